package org.revenant.http.email;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** Which SMTP failures are worth another attempt. */
class EmailRetryTest {

    @Test
    void connectionFailuresAndTemporaryAnswersAreRetriedPermanentOnesAndBadCredentialsAreNot() throws Exception {
        InternetAddress rcpt = new InternetAddress("watchdog@example.org");
        assertTrue(EmailDispatcher.retryable(new MessagingException("connection reset")));
        assertTrue(EmailDispatcher.retryable(
                new SMTPSendFailedException("DATA", 451, "451 try later", null, null, null, null)));
        assertFalse(EmailDispatcher.retryable(
                new SMTPSendFailedException("DATA", 554, "554 rejected", null, null, null, null)));
        SendFailedException greylisted = new SendFailedException("Invalid Addresses");
        greylisted.setNextException(new SMTPAddressFailedException(rcpt, "RCPT TO", 450, "450 greylisted"));
        assertTrue(EmailDispatcher.retryable(greylisted));
        SendFailedException unknown = new SendFailedException("Invalid Addresses");
        unknown.setNextException(new SMTPAddressFailedException(rcpt, "RCPT TO", 550, "550 no such user"));
        assertFalse(EmailDispatcher.retryable(unknown));
        assertFalse(EmailDispatcher.retryable(new AuthenticationFailedException("535 bad credentials")));
    }
}
