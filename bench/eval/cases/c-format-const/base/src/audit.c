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
