package dev.photoqueue.upload.http;

/** A request the API refuses, with the status and the {@code {error, detail}} body to answer. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    ApiException(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
