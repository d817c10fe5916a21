package dev.pq.scheduler;

/**
 * One thing wrong with a schedule, naming the entry and the field.
 *
 * @param entry   the entry's name, or null for the file as a whole
 * @param field   the field ({@code cron}, {@code task}, ...), or null
 * @param message what is wrong and what to do
 */
public record ScheduleProblem(String entry, String field, String message) {
    @Override
    public String toString() {
        return (entry == null ? "" : "entry \"" + entry + "\"") + (field == null ? "" : (entry == null ? "" : ", ")
                + field) + (entry == null && field == null ? "" : ": ") + message;
    }
}
