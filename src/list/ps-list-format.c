/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ps-list-format.h"

const char *
ps_list_protocol_name (int protocol)
{
  switch (protocol)
    {
    case IPPROTO_TCP:
      return "tcp";
    case IPPROTO_UDP:
      return "udp";
    default:
      return "unknown";
    }
}

const char *
ps_list_family_name (int family)
{
  switch (family)
    {
    case AF_INET:
      return "ipv4";
    case AF_INET6:
      return "ipv6";
    default:
      return "unknown";
    }
}

const char *
ps_list_tcp_state_name (unsigned state)
{
  switch (state)
    {
    case TCP_ESTABLISHED:
      return "established";
    case TCP_SYN_SENT:
      return "syn-sent";
    case TCP_SYN_RECV:
      return "syn-recv";
    case TCP_FIN_WAIT1:
      return "fin-wait-1";
    case TCP_FIN_WAIT2:
      return "fin-wait-2";
    case TCP_TIME_WAIT:
      return "time-wait";
    case TCP_CLOSE:
      return "close";
    case TCP_CLOSE_WAIT:
      return "close-wait";
    case TCP_LAST_ACK:
      return "last-ack";
    case TCP_LISTEN:
      return "listen";
    case TCP_CLOSING:
      return "closing";
    case 12: /* TCP_NEW_SYN_RECV */
      return "new-syn-recv";
    default:
      return "unknown";
    }
}

const char *
ps_list_state_name (const PsListSocket *socket)
{
  if (socket->protocol == IPPROTO_UDP)
    return socket->state == TCP_ESTABLISHED ? "connected" : "unconnected";
  return ps_list_tcp_state_name (socket->state);
}

int
ps_list_is_connection (const PsListSocket *socket)
{
  if (socket->protocol == IPPROTO_TCP)
    return socket->state != TCP_LISTEN;
  return socket->state == TCP_ESTABLISHED;
}

/* Rows */

/* A cell of a --watch line starts with a space; a cell of the table ends
 * with a NUL (PsListTable.cells). */
static void
cell_start (PsBuf *out,
            int    table)
{
  if (!table)
    ps_buf_append_c (out, ' ');
}

static void
cell_end (PsBuf *out,
          int    table)
{
  if (table)
    ps_buf_append_c (out, '\0');
}

static void
cell_escaped (PsBuf      *out,
              int         table,
              const char *text)
{
  cell_start (out, table);
  ps_utext_escape_visible (out, text, strlen (text));
  cell_end (out, table);
}

static void
cell_text (PsBuf      *out,
           int         table,
           const char *text)
{
  cell_start (out, table);
  ps_buf_append (out, text);
  cell_end (out, table);
}

/* Appends the cells of SOCKET's row.  Several owners (a fork after listen)
 * show as "1234,1235" in PID and the first owner's name in PROCESS; no owner
 * (hidden, or none such as a socket held by the kernel) shows "-". */
static void
append_row (PsBuf              *out,
            const PsListSocket *socket,
            int                 connections,
            int                 table)
{
  cell_text (out, table, ps_list_protocol_name (socket->protocol));
  cell_escaped (out, table, socket->address_text != NULL ? socket->address_text : "");
  cell_start (out, table);
  ps_buf_appendf (out, "%u", (unsigned) socket->port);
  cell_end (out, table);
  if (socket->n_owners > 0)
    {
      cell_start (out, table);
      for (size_t i = 0; i < socket->n_owners; i++)
        ps_buf_appendf (out, i > 0 ? ",%d" : "%d", (int) socket->owners[i].pid);
      cell_end (out, table);
      cell_escaped (out, table, socket->owners[0].name != NULL ? socket->owners[0].name : "");
    }
  else
    {
      cell_text (out, table, "-");
      cell_text (out, table, "-");
    }
  if (socket->user != NULL)
    cell_escaped (out, table, socket->user);
  else
    {
      cell_start (out, table);
      ps_buf_appendf (out, "%u", (unsigned) socket->uid);
      cell_end (out, table);
    }

  if (connections)
    {
      char buf[INET6_ADDRSTRLEN] = "";

      cell_text (out, table, ps_list_state_name (socket));
      cell_start (out, table);
      if (ps_list_is_connection (socket))
        {
          inet_ntop (socket->family, socket->remote_address, buf, sizeof buf);
          ps_buf_appendf (out, socket->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
                          buf, (unsigned) socket->remote_port);
        }
      else
        ps_buf_append (out, "-");
      cell_end (out, table);
    }
}

void
ps_list_event_line (PsBuf              *out,
                    const char         *sign,
                    const PsListSocket *socket)
{
  ps_buf_append (out, sign);
  append_row (out, socket, ps_list_is_connection (socket), 0);
}

/* Table */

static void
table_measure_last_row (PsListTable *table,
                        size_t       row_start)
{
  const char *cell = table->cells.data + row_start;

  for (unsigned c = 0; c < table->n_columns; c++)
    {
      size_t width = ps_utext_display_width (cell);

      if (width > table->widths[c])
        table->widths[c] = width;
      cell += strlen (cell) + 1;
    }
  table->n_rows++;
}

void
ps_list_table_init (PsListTable *table,
                    int          connections)
{
  static const char *const header[] = { "PROTO", "ADDRESS", "PORT", "PID", "PROCESS", "USER", "STATE", "REMOTE" };

  memset (table, 0, sizeof *table);
  table->n_columns = connections ? 8 : 6;
  for (unsigned c = 0; c < table->n_columns; c++)
    cell_text (&table->cells, 1, header[c]);
  table_measure_last_row (table, 0);
}

void
ps_list_table_add (PsListTable        *table,
                   const PsListSocket *socket)
{
  size_t start = table->cells.len;

  append_row (&table->cells, socket, table->n_columns == 8, 1);
  table_measure_last_row (table, start);
}

int
ps_list_table_write (PsListTable *table,
                     FILE        *out)
{
  const char *cell = table->cells.data;
  PsBuf line = { 0 };
  int ok = 1;

  for (size_t r = 0; ok && r < table->n_rows; r++)
    {
      ps_buf_truncate (&line, 0);
      for (unsigned c = 0; c < table->n_columns; c++)
        {
          ps_buf_append (&line, cell);
          if (c + 1 < table->n_columns)
            {
              size_t pad = table->widths[c] - ps_utext_display_width (cell) + 2;

              for (size_t k = 0; k < pad; k++)
                ps_buf_append_c (&line, ' ');
            }
          cell += strlen (cell) + 1;
        }
      ps_buf_append_c (&line, '\n');
      ok = fwrite (line.data, 1, line.len, out) == line.len;
    }
  ps_buf_clear (&line);
  return ok && fflush (out) == 0 ? 0 : -1;
}

void
ps_list_table_clear (PsListTable *table)
{
  ps_buf_clear (&table->cells);
  memset (table, 0, sizeof *table);
}

/* JSON */

void
ps_json_writer_init (PsJsonWriter *w,
                     PsBuf        *buf,
                     int           pretty)
{
  w->buf = buf;
  w->pretty = pretty;
  w->depth = 0;
  w->first = 1;
}

static void
writer_newline (PsJsonWriter *w)
{
  if (!w->pretty)
    return;
  ps_buf_append_c (w->buf, '\n');
  for (unsigned i = 0; i < w->depth; i++)
    ps_buf_append (w->buf, "  ");
}

void
ps_json_writer_key (PsJsonWriter *w,
                    const char   *key)
{
  if (!w->first)
    ps_buf_append_c (w->buf, ',');
  w->first = 0;
  writer_newline (w);
  if (key != NULL)
    {
      ps_buf_append_c (w->buf, '"');
      ps_buf_append (w->buf, key);
      ps_buf_append (w->buf, w->pretty ? "\" : " : "\":");
    }
}

void
ps_json_writer_begin (PsJsonWriter *w,
                      char          open)
{
  ps_buf_append_c (w->buf, open);
  w->depth++;
  w->first = 1;
}

void
ps_json_writer_end (PsJsonWriter *w,
                    char          close)
{
  int empty = w->first;

  w->depth--;
  w->first = 0;
  if (!empty)
    writer_newline (w);
  ps_buf_append_c (w->buf, close);
}

void
ps_json_writer_string (PsJsonWriter *w,
                       const char   *key,
                       const char   *value)
{
  ps_json_writer_key (w, key);
  if (value == NULL)
    ps_buf_append (w->buf, "null");
  else
    ps_utext_json_string (w->buf, value);
}

void
ps_json_writer_int (PsJsonWriter *w,
                    const char   *key,
                    int64_t       value)
{
  ps_json_writer_key (w, key);
  ps_buf_appendf (w->buf, "%" PRId64, value);
}

static void
writer_literal (PsJsonWriter *w,
                const char   *key,
                const char   *literal)
{
  ps_json_writer_key (w, key);
  ps_buf_append (w->buf, literal);
}

static void
write_owner (PsJsonWriter      *w,
             const PsListOwner *owner)
{
  ps_json_writer_key (w, NULL);
  ps_json_writer_begin (w, '{');
  ps_json_writer_int (w, "pid", owner->pid);
  ps_json_writer_string (w, "name", owner->name != NULL ? owner->name : "");
  ps_json_writer_key (w, "cmdline");
  ps_json_writer_begin (w, '[');
  for (size_t i = 0; owner->argv != NULL && owner->argv[i] != NULL; i++)
    ps_json_writer_string (w, NULL, owner->argv[i]);
  ps_json_writer_end (w, ']');
  ps_json_writer_int (w, "uid", owner->uid);
  ps_json_writer_string (w, "user", owner->user);
  ps_json_writer_int (w, "start_time", (int64_t) owner->start_time);
  ps_json_writer_string (w, "unit", owner->unit);
  ps_json_writer_string (w, "container", owner->container);
  ps_json_writer_end (w, '}');
}

void
ps_list_json_socket (PsJsonWriter       *w,
                     const char         *key,
                     const PsListSocket *socket)
{
  ps_json_writer_key (w, key);
  ps_json_writer_begin (w, '{');
  ps_json_writer_string (w, "protocol", ps_list_protocol_name (socket->protocol));
  ps_json_writer_string (w, "family", ps_list_family_name (socket->family));
  ps_json_writer_string (w, "address", socket->address_text != NULL ? socket->address_text : "");
  ps_json_writer_int (w, "port", socket->port);
  if (ps_list_is_connection (socket))
    {
      char buf[INET6_ADDRSTRLEN] = "";

      inet_ntop (socket->family, socket->remote_address, buf, sizeof buf);
      ps_json_writer_string (w, "remote_address", buf);
      ps_json_writer_int (w, "remote_port", socket->remote_port);
    }
  ps_json_writer_string (w, "state", ps_list_state_name (socket));
  ps_json_writer_int (w, "inode", (int64_t) socket->inode);
  ps_json_writer_int (w, "uid", socket->uid);
  ps_json_writer_string (w, "user", socket->user);
  if (socket->family == AF_INET6 && socket->v6only <= 1)
    writer_literal (w, "v6only", socket->v6only == 1 ? "true" : "false");
  else
    writer_literal (w, "v6only", "null");
  ps_json_writer_key (w, "owners");
  ps_json_writer_begin (w, '[');
  for (size_t i = 0; i < socket->n_owners; i++)
    write_owner (w, &socket->owners[i]);
  ps_json_writer_end (w, ']');
  switch (socket->owner_hidden)
    {
    case PS_LIST_OWNER_HIDDEN_OTHER_USER:
      ps_json_writer_string (w, "owner_hidden", "other-user");
      break;
    case PS_LIST_OWNER_HIDDEN_SANDBOX:
      ps_json_writer_string (w, "owner_hidden", "sandbox");
      break;
    default:
      writer_literal (w, "owner_hidden", "null");
      break;
    }
  ps_json_writer_end (w, '}');
}

void
ps_list_json_document_begin (PsJsonWriter *w)
{
  ps_json_writer_begin (w, '{');
  ps_json_writer_int (w, "version", 1);
  ps_json_writer_key (w, "sockets");
  ps_json_writer_begin (w, '[');
}

void
ps_list_json_document_end (PsJsonWriter *w)
{
  ps_json_writer_end (w, ']');
  ps_json_writer_end (w, '}');
}
