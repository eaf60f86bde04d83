package org.revenant.platforms;

import java.util.List;
import org.revenant.crawl.SourceDescriptor;
import org.revenant.source.academictorrents.AcademicTorrentsSource;
import org.revenant.source.github.GitHubSource;
import org.revenant.source.hf.HuggingFaceSource;
import org.revenant.source.ia.InternetArchiveSource;
import org.revenant.source.torrents.TorrentWatchSource;
import org.revenant.source.zenodo.ZenodoSource;

/**
 * Every platform Revenant crawls, in the order they run and are listed. Adding a platform is a
 * class with its {@link SourceDescriptor} and one entry here (docs/decisions/015).
 */
public final class Platforms {

    private Platforms() {}

    public static final List<SourceDescriptor> ALL = List.of(
            GitHubSource.DESCRIPTOR,
            HuggingFaceSource.DESCRIPTOR,
            AcademicTorrentsSource.DESCRIPTOR,
            InternetArchiveSource.DESCRIPTOR,
            ZenodoSource.DESCRIPTOR,
            TorrentWatchSource.DESCRIPTOR);

    /** The sources' names, for help and errors. */
    public static List<String> names() {
        return ALL.stream().map(SourceDescriptor::name).toList();
    }

    /** The platforms of the mirror keys they publish, each once. */
    public static List<String> mirrorPlatforms() {
        return ALL.stream().map(SourceDescriptor::platform).distinct().toList();
    }
}
