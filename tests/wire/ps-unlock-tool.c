/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-unlock-tool INODE: what the app shows of the socket INODE before and
 * after Unlock, as lines for tests/wire/unlock.py:
 *   local hidden=H owners=N          the in-process view (H: PsOwnerHidden)
 *   start-error CODE MESSAGE         Unlock failed (CODE: PsHelperBackendError)
 *   unlocked uid=U owners=N pid=P name=NAME
 *   locked exited=1                  Lock: the root helper is gone */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ps-backend.h"
#include "ps-helper-backend.h"

static const PsSocket *
find_inode (PsSnapshot *snapshot,
            guint64     inode)
{
  for (guint i = 0; i < ps_snapshot_get_n_sockets (snapshot); i++)
    if (ps_snapshot_get_socket (snapshot, i)->inode == inode)
      return ps_snapshot_get_socket (snapshot, i);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PsBackend) local = ps_local_backend_new ();
  g_autoptr(PsBackend) privileged = NULL;
  g_autoptr(PsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  const PsSocket *s;
  guint64 inode;
  gint32 helper_pid;
  gint64 deadline;

  if (argc != 2)
    {
      fprintf (stderr, "usage: ps-unlock-tool INODE\n");
      return 2;
    }
  inode = g_ascii_strtoull (argv[1], NULL, 10);

  snapshot = ps_backend_scan (local, PS_SCAN_FULL_WALK, NULL, NULL, &error);
  if (snapshot == NULL || (s = find_inode (snapshot, inode)) == NULL)
    {
      printf ("local-error %s\n", error != NULL ? error->message : "socket not found");
      return 1;
    }
  printf ("local hidden=%d owners=%u\n", s->owner_hidden, s->owners->len);
  g_clear_pointer (&snapshot, ps_snapshot_unref);

  privileged = ps_helper_backend_new (PS_HELPER_MODE_PRIVILEGED);
  ps_helper_backend_set_timeouts (PS_HELPER_BACKEND (privileged), 60000, 60000, 0, 0);
  if (!ps_helper_backend_start (PS_HELPER_BACKEND (privileged), NULL, &error))
    {
      printf ("start-error %d %s\n", error->code, error->message);
      return 0;
    }
  snapshot = ps_backend_scan (privileged, PS_SCAN_FULL_WALK, NULL, NULL, &error);
  if (snapshot == NULL || (s = find_inode (snapshot, inode)) == NULL)
    {
      printf ("scan-error %s\n", error != NULL ? error->message : "socket not found");
      return 1;
    }
  if (s->owners->len > 0)
    {
      const PsOwner *owner = g_ptr_array_index (s->owners, 0);

      printf ("unlocked uid=%u owners=%u pid=%d name=%s\n",
              ps_helper_backend_get_helper_uid (PS_HELPER_BACKEND (privileged)),
              s->owners->len, owner->pid, owner->name);
    }
  else
    printf ("unlocked uid=%u owners=0\n", ps_helper_backend_get_helper_uid (PS_HELPER_BACKEND (privileged)));

  /* Lock: the root helper reads end of file and exits (we cannot signal it). */
  helper_pid = ps_helper_backend_get_helper_pid (PS_HELPER_BACKEND (privileged));
  ps_helper_backend_stop (PS_HELPER_BACKEND (privileged));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (kill (helper_pid, 0) == 0 || errno != ESRCH)
    {
      if (g_get_monotonic_time () > deadline)
        {
          printf ("locked exited=0\n");
          return 1;
        }
      g_usleep (20 * 1000);
    }
  printf ("locked exited=1\n");
  return 0;
}
