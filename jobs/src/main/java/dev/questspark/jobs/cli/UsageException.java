package dev.questspark.jobs.cli;

/** A command line that cannot be run as given: reported in one line with exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
