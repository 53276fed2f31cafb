package dev.webhookhub.security;

/** The environment an authenticated request acts in; every query is scoped to it. */
public record Tenant(String environmentId) {
}
