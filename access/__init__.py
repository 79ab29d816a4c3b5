"""Who may see and edit what: roles, the coordinators' scope, the scoped admin base and the admin
of the shared vocabulary, the client address for the login lockout."""
