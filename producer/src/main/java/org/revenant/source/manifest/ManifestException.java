package org.revenant.source.manifest;

/**
 * A manifest file Revenant will not publish. The message is one line naming the file, the
 * position and the JSON path, e.g.
 * {@code manifest.json: line 12, column 5: files[3].size: must be a non-negative integer}.
 */
public class ManifestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String jsonPath;
    private final String problem;

    public ManifestException(String file, int line, int column, String jsonPath, String problem) {
        this(file, line, column, jsonPath, problem, null);
    }

    public ManifestException(String file, int line, int column, String jsonPath, String problem, Throwable cause) {
        super(describe(file, line, column, jsonPath, problem), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.jsonPath = jsonPath;
        this.problem = problem;
    }

    /** A problem with the file as a whole (missing, too large), not at a position in it. */
    public static ManifestException ofFile(String file, String problem) {
        return new ManifestException(file, 0, 0, "", problem);
    }

    public String file() {
        return file;
    }

    /** 1-based; 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }

    /** 1-based; 0 when the problem is the file as a whole. */
    public int column() {
        return column;
    }

    /** Where in the document, e.g. {@code files[3].size}; empty for the document itself. */
    public String jsonPath() {
        return jsonPath;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    private static String describe(String file, int line, int column, String jsonPath, String problem) {
        StringBuilder out = new StringBuilder(file).append(": ");
        if (line > 0) {
            out.append("line ").append(line).append(", column ").append(column).append(": ");
        }
        if (jsonPath != null && !jsonPath.isEmpty()) {
            out.append(jsonPath).append(": ");
        }
        return out.append(problem).toString();
    }
}
