#ifndef SESSIONS_CPOSTGRES_SHIM_H
#define SESSIONS_CPOSTGRES_SHIM_H

// PostgreSQL's own client library. Its include directory comes from
// pkg-config (`libpq`), as Debian's libpq-dev installs it.
#include <libpq-fe.h>

// Swift cannot import the macros libpq names its diagnostic fields with:
// these let libpq's header give the values, so none is copied into Swift.
static inline int sessions_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int sessions_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int sessions_pg_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int sessions_pg_diag_constraint_name(void) { return PG_DIAG_CONSTRAINT_NAME; }

#endif
