package dev.photoqueue.upload.service;

/** No consumer group of that name consumes a topic, and it is not the status view either. */
public final class GroupNotFoundException extends NotFoundException {

    private final String group;

    /** {@code known}: the groups there are, as the message lists them. */
    public GroupNotFoundException(String group, String known) {
        super("unknown consumer group '" + group + "'; known: " + known, null);
        this.group = group;
    }

    public String group() {
        return group;
    }
}
