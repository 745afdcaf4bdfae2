/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `portscope --list` in plain C: the same scan as the helper's
 * (ps_scan_build_reply), sorted as a snapshot is, printed by the shared
 * writers (ps-list-format.h).  What it prints must equal what the GLib CLI
 * prints for the same sockets: tests/core/test-cli-fast.py compares them. */
#include "config.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ps-list-format.h"
#include "ps-list-run.h"
#include "ps-probe-util.h"
#include "ps-scan.h"

#define FLUSH_SIZE (64 * 1024)

typedef struct
{
  int list;
  int json;
  int all;
  int port;                 /* -1: every port */
} Options;

/* Digits only, 0 to 65535.  Anything else is the GLib CLI's, which also
 * takes a port after an address ("127.0.0.1:8080", ps_port_query_parse())
 * or refuses it. */
static int
parse_port (const char *text,
            int        *port)
{
  unsigned value = 0;

  if (*text == '\0')
    return 0;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return 0;
      value = value * 10 + (unsigned) (*p - '0');
      if (value > 65535)
        return 0;
    }
  *port = (int) value;
  return 1;
}

/* Returns 1 when ARGV is exactly a list form this program answers. */
static int
parse_options (int      argc,
               char   **argv,
               Options *opt)
{
  int have_port = 0;

  memset (opt, 0, sizeof *opt);
  opt->port = -1;
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;

      if (strcmp (arg, "--list") == 0 || strcmp (arg, "-l") == 0)
        opt->list = 1;
      else if (strcmp (arg, "--json") == 0)
        opt->json = 1;
      else if (strcmp (arg, "--all") == 0 || strcmp (arg, "-a") == 0)
        opt->all = 1;
      else if (strcmp (arg, "--port") == 0 || strcmp (arg, "-p") == 0)
        {
          if (i + 1 >= argc)
            return 0;
          value = argv[++i];
        }
      else if (strncmp (arg, "--port=", 7) == 0)
        value = arg + 7;
      else
        return 0;

      if (value != NULL)
        {
          if (have_port || !parse_port (value, &opt->port))
            return 0;
          have_port = 1;
        }
    }
  return opt->list;
}

/* The in-process backend, as ps_backend_new_default() would choose it. */
static int
backend_is_local (void)
{
  const char *name = getenv ("PORTSCOPE_BACKEND");
  const char *info = getenv ("PORTSCOPE_FLATPAK_INFO");

  if (name != NULL && *name != '\0')
    return strcmp (name, "local") == 0;
  if (info != NULL && *info != '\0')
    return 0;
  return access ("/.flatpak-info", F_OK) != 0;
}

/* The facts of the reply, indexed for the writers. */
typedef struct
{
  const PsWireMessage *reply;
  size_t *by_pid;           /* indices of processes, sorted by pid */
  char ***argv;             /* per process */
  uid_t euid;
  int have_owners;
} Listing;

static const PsWireMessage *sort_reply;

static int
compare_socket_index (const void *a,
                      const void *b)
{
  size_t x = *(const size_t *) a, y = *(const size_t *) b;
  int r = ps_probe_socket_compare (&sort_reply->sockets[x].socket, &sort_reply->sockets[y].socket);

  if (r != 0)
    return r;
  return (x > y) - (x < y);   /* stable: the first of repeated sockets is kept */
}

static int
compare_process_index (const void *a,
                       const void *b)
{
  int32_t x = sort_reply->processes[*(const size_t *) a].pid;
  int32_t y = sort_reply->processes[*(const size_t *) b].pid;

  return (x > y) - (x < y);
}

static int
compare_owner_pid (const void *a,
                   const void *b)
{
  int32_t x = ((const PsListOwner *) a)->pid;
  int32_t y = ((const PsListOwner *) b)->pid;

  return (x > y) - (x < y);
}

static const PsWireProcess *
find_process (const Listing *listing,
              int32_t        pid,
              size_t        *index)
{
  size_t lo = 0, hi = listing->reply->n_processes;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      const PsWireProcess *p = &listing->reply->processes[listing->by_pid[mid]];

      if (p->pid == pid)
        {
          *index = listing->by_pid[mid];
          return p;
        }
      if (p->pid < pid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Fills OUT for socket WS; OWNERS has room for ws->n_owners. */
static void
socket_view (const Listing      *listing,
             const PsWireSocket *ws,
             PsListSocket       *out,
             PsListOwner        *owners,
             char               *address,
             size_t              address_size)
{
  const PsProbeSocket *s = &ws->socket;
  size_t n = 0;

  memset (out, 0, sizeof *out);
  out->protocol = s->protocol;
  out->family = s->family;
  out->state = s->state;
  out->v6only = s->v6only;
  out->port = s->local_port;
  out->remote_port = s->remote_port;
  out->remote_address = s->remote_addr;
  out->uid = s->uid;
  out->inode = s->inode;
  out->user = ps_wire_message_find_user (listing->reply, s->uid);
  out->address_text = ps_probe_format_address (s->family, s->local_addr, s->ifindex,
                                               address, address_size);
  for (size_t k = 0; k < ws->n_owners; k++)
    {
      size_t index;
      const PsWireProcess *p = find_process (listing, ws->owners[k], &index);

      if (p == NULL)
        continue;
      owners[n].pid = p->pid;
      owners[n].uid = p->uid;
      owners[n].start_time = p->start_time;
      owners[n].name = p->comm;
      owners[n].argv = (const char *const *) listing->argv[index];
      owners[n].user = ps_wire_message_find_user (listing->reply, p->uid);
      owners[n].unit = p->unit;
      owners[n].container = p->container;
      n++;
    }
  /* A stable order, as the scanner's (qsort wants a non-null array even for 0). */
  if (n > 1)
    qsort (owners, n, sizeof *owners, compare_owner_pid);
  out->owners = owners;
  out->n_owners = n;
  out->owner_hidden = PS_LIST_OWNER_VISIBLE;
  if (n == 0 && listing->have_owners && s->inode != 0 &&
      listing->euid != 0 && s->uid != listing->euid)
    out->owner_hidden = PS_LIST_OWNER_HIDDEN_OTHER_USER;
}

static int
flush_buf (PsBuf *buf,
           FILE  *out)
{
  if (buf->len > 0 && fwrite (buf->data, 1, buf->len, out) != buf->len)
    return 0;
  ps_buf_truncate (buf, 0);
  return 1;
}

static int
print_listing (const Listing *listing,
               const size_t  *order,
               size_t         n_order,
               const Options *opt)
{
  const PsWireMessage *reply = listing->reply;
  PsListOwner *owners = NULL;
  size_t owners_cap = 0;
  PsListTable table;
  PsJsonWriter w;
  PsBuf buf = { 0 };
  int ok = 1;

  if (opt->json)
    {
      ps_json_writer_init (&w, &buf, 1);
      ps_list_json_document_begin (&w);
    }
  else
    ps_list_table_init (&table, opt->all);

  for (size_t i = 0; ok && i < n_order; i++)
    {
      const PsWireSocket *ws = &reply->sockets[order[i]];
      char address[128];
      PsListSocket view;

      if (opt->port >= 0 && ws->socket.local_port != opt->port)
        continue;
      if (ws->n_owners > owners_cap)
        {
          free (owners);
          owners_cap = ws->n_owners;
          owners = malloc (owners_cap * sizeof *owners);
          if (owners == NULL)
            abort ();
        }
      socket_view (listing, ws, &view, owners, address, sizeof address);
      if (opt->json)
        {
          ps_list_json_socket (&w, NULL, &view);
          if (buf.len >= FLUSH_SIZE)
            ok = flush_buf (&buf, stdout);
        }
      else
        ps_list_table_add (&table, &view);
    }
  free (owners);

  if (opt->json)
    {
      if (ok)
        {
          ps_list_json_document_end (&w);
          ps_buf_append_c (&buf, '\n');
          ok = flush_buf (&buf, stdout) && fflush (stdout) == 0;
        }
      ps_buf_clear (&buf);
      return ok ? 0 : 1;
    }
  ok = ps_list_table_write (&table, stdout) == 0;
  ps_list_table_clear (&table);
  return ok ? 0 : 1;
}

int
ps_list_fast_main (int    argc,
                   char **argv)
{
  const char *proc_root = getenv ("PORTSCOPE_PROC_ROOT");
  PsOwnerTracker *tracker = NULL;
  PsWireMessage reply = { 0 };
  Listing listing = { 0 };
  size_t *order = NULL;
  size_t n_order = 0;
  Options opt;
  int status;
  int r;

  if (!parse_options (argc, argv, &opt) || !backend_is_local ())
    return -1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (proc_root != NULL && *proc_root == '\0')
    proc_root = NULL;
  r = ps_scan_build_reply (&tracker, proc_root, opt.all ? PS_WIRE_SCAN_CONNECTIONS : 0, &reply);
  if (tracker != NULL)
    ps_owner_tracker_free (tracker);
  if (r < 0)
    {
      fprintf (stderr, "portscope: Could not list the sockets of this computer: %s\n", strerror (-r));
      ps_wire_message_clear (&reply);
      return 1;
    }

  listing.reply = &reply;
  listing.euid = geteuid ();
  listing.have_owners = (reply.flags & PS_WIRE_REPLY_OWNERS_COMPLETE) != 0;
  if (!listing.have_owners)
    fprintf (stderr, "portscope: %s\n",
             dgettext (GETTEXT_PACKAGE, "could not find which processes own the sockets; they are listed without owners"));

  order = malloc ((reply.n_sockets + 1) * sizeof *order);
  listing.by_pid = malloc ((reply.n_processes + 1) * sizeof *listing.by_pid);
  listing.argv = calloc (reply.n_processes + 1, sizeof *listing.argv);
  if (order == NULL || listing.by_pid == NULL || listing.argv == NULL)
    abort ();

  sort_reply = &reply;
  for (size_t i = 0; i < reply.n_sockets; i++)
    order[i] = i;
  qsort (order, reply.n_sockets, sizeof *order, compare_socket_index);
  /* Keys are unique in a snapshot: a dump resumed under churn may list a
   * socket twice; the first is kept. */
  for (size_t i = 0; i < reply.n_sockets; i++)
    if (n_order == 0 ||
        ps_probe_socket_compare (&reply.sockets[order[n_order - 1]].socket,
                                 &reply.sockets[order[i]].socket) != 0)
      order[n_order++] = order[i];

  for (size_t i = 0; i < reply.n_processes; i++)
    {
      listing.by_pid[i] = i;
      listing.argv[i] = ps_utext_argv_from_cmdline (reply.processes[i].cmdline,
                                                    reply.processes[i].cmdline_len);
    }
  qsort (listing.by_pid, reply.n_processes, sizeof *listing.by_pid, compare_process_index);

  status = print_listing (&listing, order, n_order, &opt);

  for (size_t i = 0; i < reply.n_processes; i++)
    ps_utext_argv_free (listing.argv[i]);
  free (listing.argv);
  free (listing.by_pid);
  free (order);
  ps_wire_message_clear (&reply);
  return status;
}

char *
ps_list_find_program (const char *name)
{
  char self[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  char *path = NULL;

  if (n > 0)
    {
      char *slash;

      self[n] = '\0';
      slash = strrchr (self, '/');
      if (slash != NULL)
        {
          *slash = '\0';
          if (strcmp (self, PS_BINDIR) != 0 &&
              asprintf (&path, "%s/%s", self, name) >= 0)
            {
              if (access (path, X_OK) == 0)
                return path;
              free (path);
            }
        }
    }
  if (asprintf (&path, "%s/%s", LIBEXECDIR, name) < 0)
    abort ();
  return path;
}
