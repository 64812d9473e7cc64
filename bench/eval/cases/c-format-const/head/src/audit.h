#ifndef AUDIT_H
#define AUDIT_H

void audit_open(void);
void audit_login_ok(const char *user, const char *remote);
void audit_login_failed(const char *user, const char *remote, const char *why);

#endif
