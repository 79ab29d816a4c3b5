"""Running the portal: the page cache, health checks, security headers, read replicas."""
