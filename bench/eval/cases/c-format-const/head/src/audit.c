/* Audit trail of the SSH jump host's login helper (runs as root). */
#include <stdio.h>
#include <syslog.h>

#include "audit.h"

void audit_open(void)
{
	openlog("jumpauth", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void audit_login_ok(const char *user, const char *remote)
{
	syslog(LOG_NOTICE, "login ok: user=%s from=%s", user, remote);
}

/* user is what the client typed at the login prompt; it may be any text */
void audit_login_failed(const char *user, const char *remote, const char *why)
{
	char line[512];

	snprintf(line, sizeof line, "login failed: user=%s from=%s reason=%s", user, remote, why);
	syslog(LOG_WARNING, "%s", line);
}
