#ifndef SESSIONS_CPOSTGRES_SHIM_H
#define SESSIONS_CPOSTGRES_SHIM_H

// PostgreSQL's own client library. Its include directory comes from
// pkg-config (`libpq`), as Debian's libpq-dev installs it.
#include <libpq-fe.h>

// Swift cannot import the macro libpq names its diagnostic fields with:
// this lets libpq's header give the value, so none is copied into Swift.
static inline int sessions_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

#endif
