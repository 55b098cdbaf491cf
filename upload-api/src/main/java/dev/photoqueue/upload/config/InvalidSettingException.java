package dev.photoqueue.upload.config;

/** A configuration value that cannot be used; the message names the variable, the value and the rule. */
public final class InvalidSettingException extends IllegalArgumentException {

    private final String variable;
    private final String value;

    public InvalidSettingException(String variable, String value, String rule) {
        super(variable + "='" + value + "' is not valid: " + rule);
        this.variable = variable;
        this.value = value;
    }

    /** The environment variable (or properties key) that held the value. */
    public String variable() {
        return variable;
    }

    public String value() {
        return value;
    }
}
