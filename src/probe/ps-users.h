/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-users.h: uid -> user name from /etc/passwd (no NSS: the helper is static). libc only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct PsUserTable PsUserTable;

/* Loads PATH (NULL = "/etc/passwd", or $PORTSCOPE_PASSWD when set).  Returns a
 * table (caller frees with ps_user_table_free); an unreadable file gives an empty
 * table, never NULL unless out of memory. */
PsUserTable *ps_user_table_load (const char *path);
void ps_user_table_free (PsUserTable *table);

/* Returns the name of UID (owned by the table), or NULL when unknown. */
const char *ps_user_table_lookup (const PsUserTable *table,
                                  uint32_t           uid);

#ifdef __cplusplus
}
#endif
