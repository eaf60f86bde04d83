package org.revenant.source.github;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The paths a repository's {@code .gitattributes} hands to Git LFS ({@code filter=lfs}). */
final class GitAttributes {

    private final List<Pattern> lfs;

    private GitAttributes(List<Pattern> lfs) {
        this.lfs = lfs;
    }

    static GitAttributes parse(String text) {
        List<Pattern> patterns = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            boolean isLfs = false;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].equals("filter=lfs")) {
                    isLfs = true;
                }
            }
            if (isLfs && patterns.size() < 1000) {
                patterns.add(glob(parts[0]));
            }
        }
        return new GitAttributes(patterns);
    }

    boolean isEmpty() {
        return lfs.isEmpty();
    }

    boolean tracked(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        for (Pattern p : lfs) {
            if (p.matcher(path).matches() || p.matcher(base).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String glob) {
        String g = glob.startsWith("/") ? glob.substring(1) : glob;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
