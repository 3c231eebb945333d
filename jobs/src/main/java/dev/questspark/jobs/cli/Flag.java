package dev.questspark.jobs.cli;

/**
 * One command-line flag. Every flag overrides the setting of its own name; a flag whose default lives in the
 * settings (conf/quest-defaults.properties) shows the layered default in --help. A switch takes no value.
 *
 * @param name         the flag without dashes, also its settings key
 * @param placeholder  what the value looks like in --help (PATH, N, ...); null for a switch
 * @param setting      whether the default comes from the settings
 * @param fixedDefault the default shown when it does not (null: none)
 * @param help         one line
 */
public record Flag(String name, String placeholder, boolean setting, String fixedDefault, String help) {
    /** The fixedDefault of a flag that must be given. */
    public static final String REQUIRED = "required";

    public static Flag setting(String name, String placeholder, String help) {
        return new Flag(name, placeholder, true, null, help);
    }

    public static Flag value(String name, String placeholder, String fixedDefault, String help) {
        return new Flag(name, placeholder, false, fixedDefault, help);
    }

    public static Flag toggle(String name, String help) {
        return new Flag(name, null, false, "off", help);
    }

    public boolean isSwitch() {
        return placeholder == null;
    }
}
