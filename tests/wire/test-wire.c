/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The helper protocol: round trips, hostile frames, framed I/O. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "ps-wire.h"

static void
put32 (guint8  *p,
       guint32  v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

/* A SCAN_REPLY with every kind of field, including untrusted bytes. */
static void
fill_scan_reply (PsWireMessage *msg)
{
  static const char cmdline[] = "/usr/bin/srv\0--name=<b>x</b>\0\xe2\x80\xae" "evil\0\xff\xfe\0";
  PsWireProcess *p;
  PsWireSocket *s;

  memset (msg, 0, sizeof *msg);
  msg->type = PS_WIRE_MSG_SCAN_REPLY;
  msg->flags = PS_WIRE_REPLY_OWNERS_COMPLETE;
  msg->source = 1;
  msg->full_walks = 1;
  msg->partial_walks = 2;
  msg->pids_denied = 3;
  msg->pids_scanned = 400;

  msg->n_sockets = 3;
  msg->sockets = calloc (3, sizeof *msg->sockets);
  s = &msg->sockets[0];
  s->socket.protocol = IPPROTO_TCP;
  s->socket.family = AF_INET;
  s->socket.state = 10;
  s->socket.v6only = PS_V6ONLY_UNKNOWN;
  s->socket.local_addr[0] = 127;
  s->socket.local_addr[3] = 1;
  s->socket.local_port = 8080;
  s->socket.uid = 1000;
  s->socket.inode = G_GUINT64_CONSTANT (0x123456789abc);
  s->socket.cookie = G_MAXUINT64;
  s->n_owners = 2;
  s->owners = calloc (2, sizeof (gint32));
  s->owners[0] = 4242;
  s->owners[1] = G_MAXINT32;

  s = &msg->sockets[1];
  s->socket.protocol = IPPROTO_UDP;
  s->socket.family = AF_INET6;
  s->socket.state = 7;
  s->socket.v6only = PS_V6ONLY_YES;
  memset (s->socket.local_addr, 0xfe, 16);
  memset (s->socket.remote_addr, 0xab, 16);
  s->socket.local_port = 65535;
  s->socket.remote_port = 1;
  s->socket.ifindex = 7;
  s->socket.uid = 0;
  s->socket.inode = 99;

  s = &msg->sockets[2];
  s->socket.protocol = IPPROTO_TCP;
  s->socket.family = AF_INET6;
  s->socket.state = 1;

  msg->n_processes = 2;
  msg->processes = calloc (2, sizeof *msg->processes);
  p = &msg->processes[0];
  p->pid = 4242;
  p->ppid = 1;
  p->uid = 1000;
  p->start_time = G_GUINT64_CONSTANT (0xfedcba987654321);
  p->state = 'S';
  p->user_unit = 1;
  p->comm = strdup (") S 1 (\x1b[31m");
  p->cmdline_len = sizeof cmdline;
  p->cmdline = malloc (sizeof cmdline);
  memcpy (p->cmdline, cmdline, sizeof cmdline);
  p->exe = strdup ("/usr/bin/srv (deleted)");
  p->cwd = strdup ("/home/u/\n\t");
  p->unit = strdup ("app-gnome-srv-1.scope");
  p->container = strdup ("docker:0123456789ab");

  p = &msg->processes[1];
  p->pid = G_MAXINT32;
  p->ppid = 0;
  p->state = 'Z';
  p->kernel_thread = 1;
  p->comm = strdup ("");

  msg->n_users = 2;
  msg->users = calloc (2, sizeof *msg->users);
  msg->users[0].uid = 1000;
  msg->users[0].name = strdup ("u");
  msg->users[1].uid = 0;
  msg->users[1].name = strdup ("root");
}

static void
assert_str (const char *a,
            const char *b)
{
  if (a == NULL || b == NULL)
    g_assert_true (a == b);
  else
    g_assert_cmpstr (a, ==, b);
}

static void
assert_messages_equal (const PsWireMessage *a,
                       const PsWireMessage *b)
{
  g_assert_cmpuint (a->type, ==, b->type);
  g_assert_cmpuint (a->version, ==, b->version);
  g_assert_cmpint (a->pid, ==, b->pid);
  g_assert_cmpuint (a->uid, ==, b->uid);
  g_assert_cmpuint (a->flags, ==, b->flags);
  g_assert_cmpuint (a->source, ==, b->source);
  g_assert_cmpuint (a->full_walks, ==, b->full_walks);
  g_assert_cmpuint (a->partial_walks, ==, b->partial_walks);
  g_assert_cmpuint (a->pids_denied, ==, b->pids_denied);
  g_assert_cmpuint (a->pids_scanned, ==, b->pids_scanned);
  g_assert_cmpuint (a->start_time, ==, b->start_time);
  g_assert_cmpuint (a->inode, ==, b->inode);
  g_assert_cmpint (a->signal, ==, b->signal);
  g_assert_cmpuint (a->timeout_ms, ==, b->timeout_ms);
  g_assert_cmpint (a->code, ==, b->code);
  assert_str (a->text, b->text);

  g_assert_cmpuint (a->n_sockets, ==, b->n_sockets);
  for (size_t i = 0; i < a->n_sockets; i++)
    {
      g_assert_cmpmem (&a->sockets[i].socket, sizeof (PsProbeSocket),
                       &b->sockets[i].socket, sizeof (PsProbeSocket));
      g_assert_cmpmem (a->sockets[i].owners, a->sockets[i].n_owners * 4,
                       b->sockets[i].owners, b->sockets[i].n_owners * 4);
    }
  g_assert_cmpuint (a->n_processes, ==, b->n_processes);
  for (size_t i = 0; i < a->n_processes; i++)
    {
      const PsWireProcess *p = &a->processes[i], *q = &b->processes[i];

      g_assert_cmpint (p->pid, ==, q->pid);
      g_assert_cmpint (p->ppid, ==, q->ppid);
      g_assert_cmpuint (p->uid, ==, q->uid);
      g_assert_cmpuint (p->start_time, ==, q->start_time);
      g_assert_cmpint (p->state, ==, q->state);
      g_assert_cmpuint (p->kernel_thread, ==, q->kernel_thread);
      g_assert_cmpuint (p->user_unit, ==, q->user_unit);
      assert_str (p->comm, q->comm);
      g_assert_cmpmem (p->cmdline, p->cmdline_len, q->cmdline, q->cmdline_len);
      assert_str (p->exe, q->exe);
      assert_str (p->cwd, q->cwd);
      assert_str (p->unit, q->unit);
      assert_str (p->container, q->container);
    }
  g_assert_cmpuint (a->n_users, ==, b->n_users);
  for (size_t i = 0; i < a->n_users; i++)
    {
      g_assert_cmpuint (a->users[i].uid, ==, b->users[i].uid);
      g_assert_cmpstr (a->users[i].name, ==, b->users[i].name);
    }
}

static void
roundtrip (const PsWireMessage *msg)
{
  PsWireBuf buf = { 0 };
  PsWireMessage out;
  size_t frame_len = 0;

  g_assert_cmpint (ps_wire_encode (msg, &buf), ==, 0);
  g_assert_cmpint (ps_wire_check_header (buf.data, buf.len, &frame_len), ==, 0);
  g_assert_cmpuint (frame_len, ==, buf.len);
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, 0);
  assert_messages_equal (msg, &out);
  ps_wire_message_clear (&out);
  ps_wire_buf_clear (&buf);
}

static void
test_roundtrip (void)
{
  PsWireMessage msg = { 0 };

  msg.type = PS_WIRE_MSG_HELLO;
  msg.version = PS_WIRE_VERSION;
  msg.pid = 77;
  msg.uid = 0;
  roundtrip (&msg);

  memset (&msg, 0, sizeof msg);
  msg.type = PS_WIRE_MSG_SCAN_REQUEST;
  msg.flags = PS_WIRE_SCAN_CONNECTIONS | PS_WIRE_SCAN_FULL_WALK;
  roundtrip (&msg);

  memset (&msg, 0, sizeof msg);
  msg.type = PS_WIRE_MSG_TERMINATE_REQUEST;
  msg.pid = 1234;
  msg.start_time = G_MAXUINT64;
  msg.inode = 42;
  msg.signal = SIGTERM;
  msg.timeout_ms = 3000;
  roundtrip (&msg);

  memset (&msg, 0, sizeof msg);
  msg.type = PS_WIRE_MSG_TERMINATE_REPLY;
  msg.code = -EPERM;
  msg.flags = PS_WIRE_TERMINATE_EXITED;
  roundtrip (&msg);

  memset (&msg, 0, sizeof msg);
  msg.type = PS_WIRE_MSG_ERROR;
  msg.code = -EPROTO;
  msg.text = (char *) "Malformed request";
  roundtrip (&msg);
  msg.text = NULL;
  roundtrip (&msg);

  fill_scan_reply (&msg);
  roundtrip (&msg);
  g_assert_nonnull (ps_wire_message_find_process (&msg, 4242));
  g_assert_null (ps_wire_message_find_process (&msg, 4243));
  g_assert_cmpstr (ps_wire_message_find_user (&msg, 0), ==, "root");
  g_assert_null (ps_wire_message_find_user (&msg, 5));
  ps_wire_message_clear (&msg);

  /* Empty reply. */
  msg.type = PS_WIRE_MSG_SCAN_REPLY;
  roundtrip (&msg);
}

static void
encode_scan_reply (PsWireBuf *buf)
{
  PsWireMessage msg;

  fill_scan_reply (&msg);
  g_assert_cmpint (ps_wire_encode (&msg, buf), ==, 0);
  ps_wire_message_clear (&msg);
}

static void
test_truncated (void)
{
  PsWireBuf buf = { 0 };

  encode_scan_reply (&buf);
  for (size_t len = 0; len < buf.len; len++)
    {
      /* A copy of exactly LEN bytes, so ASan sees any read past it. */
      guint8 *copy = g_memdup2 (buf.data, len > 0 ? len : 1);
      PsWireMessage out;
      int r = ps_wire_decode (copy, len, &out);

      g_assert_cmpint (r, ==, -EINVAL);
      g_assert_null (out.sockets);
      g_free (copy);
    }

  /* Trailing bytes are not accepted either. */
  {
    guint8 *longer = g_malloc0 (buf.len + 1);
    PsWireMessage out;

    memcpy (longer, buf.data, buf.len);
    g_assert_cmpint (ps_wire_decode (longer, buf.len + 1, &out), ==, -EINVAL);
    g_free (longer);
  }
  ps_wire_buf_clear (&buf);
}

/* A HELLO whose length field is replaced by LENGTH (8 bytes when WIDE, as a
 * 64-bit prefix would be). */
static void
check_length_prefix (guint64  length,
                     gboolean wide,
                     int      expected)
{
  PsWireMessage msg = { .type = PS_WIRE_MSG_HELLO, .version = 1, .pid = 1 };
  PsWireBuf buf = { 0 };
  PsWireMessage out;
  size_t frame_len = 0;
  int fds[2];
  guint8 *frame = NULL;
  size_t len = 0;

  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, 0);
  if (wide)
    {
      guint8 *p = g_malloc0 (buf.len + 4);

      for (int i = 0; i < 8; i++)
        p[i] = (length >> (8 * i)) & 0xff;
      memcpy (p + 8, buf.data + 4, buf.len - 4);
      free (buf.data);
      buf.data = p;
      buf.len += 4;
    }
  else
    put32 (buf.data, (guint32) length);

  g_assert_cmpint (ps_wire_check_header (buf.data, buf.len, &frame_len), ==, expected);
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, expected);

  /* The stream reader refuses the header before allocating anything. */
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));
  g_assert_cmpint (ps_wire_write_all (fds[0], buf.data, buf.len, -1), ==, 0);
  g_assert_cmpint (ps_wire_read_frame (fds[1], ps_wire_now_ms () + 5000, &frame, &len), ==, expected);
  g_assert_null (frame);
  close (fds[0]);
  close (fds[1]);
  g_free (buf.data);
}

static void
test_length_prefix (void)
{
  check_length_prefix (0, FALSE, -EINVAL);
  check_length_prefix (1, FALSE, -EINVAL);
  check_length_prefix (PS_WIRE_HEADER_SIZE - 1, FALSE, -EINVAL);
  check_length_prefix (PS_WIRE_MAX_FRAME + 1, FALSE, -EMSGSIZE);
  check_length_prefix (G_GUINT64_CONSTANT (1) << 31, FALSE, -EMSGSIZE);
  check_length_prefix (G_MAXUINT32, FALSE, -EMSGSIZE);
  /* 2^63 as a 64-bit prefix: its low 32 bits read as length 0. */
  check_length_prefix (G_GUINT64_CONSTANT (1) << 63, TRUE, -EINVAL);
  /* 2^63 + 2^31: low word 2^31. */
  check_length_prefix ((G_GUINT64_CONSTANT (1) << 63) | (G_GUINT64_CONSTANT (1) << 31), TRUE, -EMSGSIZE);
}

static void
test_bad_header (void)
{
  PsWireMessage msg = { .type = PS_WIRE_MSG_SCAN_REQUEST };
  PsWireBuf buf = { 0 };
  PsWireMessage out;
  size_t frame_len = 0;

  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, 0);

  /* Wrong version: the length is still reported so a reader could skip it. */
  buf.data[8] = 2;
  g_assert_cmpint (ps_wire_check_header (buf.data, buf.len, &frame_len), ==, -EPROTONOSUPPORT);
  g_assert_cmpuint (frame_len, ==, buf.len);
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTONOSUPPORT);
  buf.data[8] = 0;
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTONOSUPPORT);
  buf.data[8] = 1;
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, 0);
  ps_wire_message_clear (&out);

  /* Wrong magic, unknown types. */
  buf.data[4] ^= 0x20;
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTO);
  buf.data[4] ^= 0x20;
  buf.data[10] = 0;
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTO);
  buf.data[10] = 7;
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTO);
  buf.data[10] = PS_WIRE_MSG_SCAN_REQUEST;

  /* Encoding refuses unknown types. */
  msg.type = 99;
  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, -EINVAL);
  ps_wire_buf_clear (&buf);
}

/* Builds a frame of TYPE around a hand-written PAYLOAD. */
static GByteArray *
frame_with_payload (guint16       type,
                    const guint8 *payload,
                    gsize         len)
{
  GByteArray *b = g_byte_array_new ();
  guint8 h[PS_WIRE_HEADER_SIZE];

  put32 (h, PS_WIRE_HEADER_SIZE + len);
  put32 (h + 4, PS_WIRE_MAGIC);
  h[8] = PS_WIRE_VERSION;
  h[9] = 0;
  h[10] = type & 0xff;
  h[11] = type >> 8;
  g_byte_array_append (b, h, sizeof h);
  g_byte_array_append (b, payload, len);
  return b;
}

static int
decode_payload (guint16       type,
                const guint8 *payload,
                gsize         len)
{
  g_autoptr(GByteArray) b = frame_with_payload (type, payload, len);
  PsWireMessage out;
  int r = ps_wire_decode (b->data, b->len, &out);

  ps_wire_message_clear (&out);
  return r;
}

static void
test_malformed_fields (void)
{
  /* SCAN_REQUEST: tag 4 (flags), u32. */
  static const guint8 ok[] = { 4, 0, 4, 0, 0, 0, 1, 0, 0, 0 };
  static const guint8 short_value[] = { 4, 0, 3, 0, 0, 0, 1, 0, 0 };
  static const guint8 duplicate[] = { 4, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 4, 0, 0, 0, 1, 0, 0, 0 };
  static const guint8 overrun[] = { 4, 0, 5, 0, 0, 0, 1, 0, 0, 0 };
  static const guint8 huge_len[] = { 4, 0, 0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0 };
  static const guint8 partial_header[] = { 4, 0, 4, 0, 0, 0, 1, 0, 0, 0, 9, 0 };
  static const guint8 unknown_tag[] = { 0x99, 0, 2, 0, 0, 0, 'h', 'i', 4, 0, 4, 0, 0, 0, 1, 0, 0, 0 };
  /* ERROR: code, text with an embedded NUL. */
  static const guint8 nul_text[] = { 10, 0, 4, 0, 0, 0, 1, 0, 0, 0, 11, 0, 3, 0, 0, 0, 'a', 0, 'b' };
  /* SCAN_REPLY: flags, source, and a socket record without its core. */
  static const guint8 no_core[] = { 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 5, 0, 4, 0, 0, 0, 0, 0, 0, 0,
                                    16, 0, 0, 0, 0, 0 };
  /* ... and a socket record whose inner field overruns the record. */
  static const guint8 inner_overrun[] = { 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 5, 0, 4, 0, 0, 0, 0, 0, 0, 0,
                                          16, 0, 6, 0, 0, 0, 1, 0, 64, 0, 0, 0 };

  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, ok, sizeof ok), ==, 0);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, short_value, sizeof short_value), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, duplicate, sizeof duplicate), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, overrun, sizeof overrun), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, huge_len, sizeof huge_len), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, partial_header, sizeof partial_header), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, unknown_tag, sizeof unknown_tag), ==, 0);
  /* Required fields. */
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REQUEST, NULL, 0), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_HELLO, ok, sizeof ok), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_TERMINATE_REQUEST, ok, sizeof ok), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_ERROR, nul_text, sizeof nul_text), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REPLY, no_core, sizeof no_core), ==, -EPROTO);
  g_assert_cmpint (decode_payload (PS_WIRE_MSG_SCAN_REPLY, inner_overrun, sizeof inner_overrun), ==, -EPROTO);
}

static void
test_terminate_pid_checked (void)
{
  PsWireMessage msg = { .type = PS_WIRE_MSG_TERMINATE_REQUEST, .pid = 0, .signal = SIGTERM };
  PsWireBuf buf = { 0 };
  PsWireMessage out;

  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, 0);
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTO);
  msg.pid = -5;
  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, 0);
  g_assert_cmpint (ps_wire_decode (buf.data, buf.len, &out), ==, -EPROTO);
  ps_wire_buf_clear (&buf);
}

static void
test_encode_limit (void)
{
  PsWireMessage msg = { .type = PS_WIRE_MSG_SCAN_REPLY };
  PsWireBuf buf = { 0 };

  msg.n_processes = 1;
  msg.processes = calloc (1, sizeof *msg.processes);
  msg.processes[0].pid = 2;
  msg.processes[0].cmdline_len = PS_WIRE_MAX_FRAME;
  msg.processes[0].cmdline = calloc (1, PS_WIRE_MAX_FRAME);
  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, -EMSGSIZE);
  g_assert_cmpuint (buf.len, ==, 0);
  g_assert_cmpuint (buf.cap, <=, PS_WIRE_MAX_FRAME);

  /* Just under the limit fits. */
  msg.processes[0].cmdline_len = PS_WIRE_MAX_FRAME - 200;
  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, 0);
  g_assert_cmpuint (buf.len, <=, PS_WIRE_MAX_FRAME);
  ps_wire_message_clear (&msg);
  ps_wire_buf_clear (&buf);
}

/* A maximal frame of empty process records would decode into far more memory
 * than the frame: the budget refuses it. */
static void
test_decode_budget (void)
{
  gsize n = (PS_WIRE_MAX_FRAME - PS_WIRE_HEADER_SIZE - 20) / 6;
  g_autofree guint8 *payload = g_malloc0 (20 + n * 6);
  g_autoptr(GByteArray) frame = NULL;
  PsWireMessage out;
  static const guint8 head[] = { 4, 0, 4, 0, 0, 0, 0, 0, 0, 0, 5, 0, 4, 0, 0, 0, 0, 0, 0, 0 };

  memcpy (payload, head, sizeof head);
  for (gsize i = 0; i < n; i++)
    payload[20 + i * 6] = 17;     /* T_PROCESS, empty */
  frame = frame_with_payload (PS_WIRE_MSG_SCAN_REPLY, payload, 20 + n * 6);
  g_assert_cmpuint (frame->len, <=, PS_WIRE_MAX_FRAME);
  g_assert_cmpint (ps_wire_decode (frame->data, frame->len, &out), ==, -EMSGSIZE);
  g_assert_null (out.processes);
}

/* Random mutations of a valid frame: decoding never crashes and never leaks
 * (ASan runs this in the sanitizer build). */
static void
test_mutations (void)
{
  PsWireBuf buf = { 0 };
  GRand *rand = g_rand_new_with_seed (20261126);
  guint n_ok = 0;

  encode_scan_reply (&buf);
  for (int i = 0; i < 20000; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (buf.data, buf.len);
      int flips = g_rand_int_range (rand, 1, 4);
      PsWireMessage out;
      int r;

      for (int k = 0; k < flips; k++)
        copy[g_rand_int_range (rand, PS_WIRE_HEADER_SIZE, buf.len)] = g_rand_int_range (rand, 0, 256);
      r = ps_wire_decode (copy, buf.len, &out);
      g_assert_true (r == 0 || r == -EPROTO || r == -EMSGSIZE);
      if (r == 0)
        n_ok++;
      ps_wire_message_clear (&out);
    }
  /* Flips inside values (addresses, strings) still decode. */
  g_assert_cmpuint (n_ok, >, 0);
  g_rand_free (rand);
  ps_wire_buf_clear (&buf);
}

static void
test_stream (void)
{
  PsWireMessage msg;
  PsWireMessage out;
  PsWireBuf buf = { 0 };
  int fds[2];
  int64_t start;

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));

  /* Two frames back to back, read one at a time. */
  fill_scan_reply (&msg);
  g_assert_cmpint (ps_wire_send (fds[0], &msg, -1), ==, 0);
  g_assert_cmpint (ps_wire_send (fds[0], &msg, -1), ==, 0);
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpint (ps_wire_receive (fds[1], ps_wire_now_ms () + 5000, &out), ==, 1);
      assert_messages_equal (&msg, &out);
      ps_wire_message_clear (&out);
    }

  /* Nothing to read: the deadline holds. */
  start = ps_wire_now_ms ();
  g_assert_cmpint (ps_wire_receive (fds[1], start + 200, &out), ==, -ETIMEDOUT);
  g_assert_cmpint (ps_wire_now_ms () - start, >=, 190);
  g_assert_cmpint (ps_wire_now_ms () - start, <, 3000);

  /* Half a frame then silence: still the deadline, not a hang. */
  g_assert_cmpint (ps_wire_encode (&msg, &buf), ==, 0);
  g_assert_cmpint (ps_wire_write_all (fds[0], buf.data, buf.len / 2, -1), ==, 0);
  start = ps_wire_now_ms ();
  g_assert_cmpint (ps_wire_receive (fds[1], start + 200, &out), ==, -ETIMEDOUT);
  g_assert_cmpint (ps_wire_now_ms () - start, <, 3000);
  close (fds[0]);
  close (fds[1]);

  /* End of file inside a frame, and before one. */
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));
  g_assert_cmpint (ps_wire_write_all (fds[0], buf.data, buf.len - 1, -1), ==, 0);
  close (fds[0]);
  g_assert_cmpint (ps_wire_receive (fds[1], ps_wire_now_ms () + 5000, &out), ==, -ECONNRESET);
  close (fds[1]);
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));
  close (fds[0]);
  g_assert_cmpint (ps_wire_receive (fds[1], ps_wire_now_ms () + 5000, &out), ==, 0);
  close (fds[1]);

  /* Writing to a closed peer: EPIPE, not SIGPIPE; on a pipe too. */
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));
  close (fds[1]);
  g_assert_cmpint (ps_wire_send (fds[0], &msg, -1), ==, -EPIPE);
  close (fds[0]);
  {
    struct sigaction sa = { .sa_handler = SIG_IGN }, old;

    sigaction (SIGPIPE, &sa, &old);
    g_assert_no_errno (pipe (fds));
    close (fds[0]);
    g_assert_cmpint (ps_wire_send (fds[1], &msg, -1), ==, -EPIPE);
    close (fds[1]);
    sigaction (SIGPIPE, &old, NULL);
  }

  ps_wire_message_clear (&msg);
  ps_wire_buf_clear (&buf);
}

/* A peer that floods garbage or an endless frame: one bounded frame, then an error. */
static void
test_flood (void)
{
  int fds[2];
  guint8 junk[4096];
  guint8 *frame = NULL;
  size_t len = 0;

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds));
  memset (junk, 'A', sizeof junk);
  /* Fill the socket buffer as far as it goes. */
  while (write (fds[0], junk, sizeof junk) > 0)
    ;
  g_assert_cmpint (ps_wire_read_frame (fds[1], ps_wire_now_ms () + 5000, &frame, &len), ==, -EMSGSIZE);
  g_assert_null (frame);
  close (fds[0]);
  close (fds[1]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/roundtrip", test_roundtrip);
  g_test_add_func ("/wire/truncated", test_truncated);
  g_test_add_func ("/wire/length-prefix", test_length_prefix);
  g_test_add_func ("/wire/bad-header", test_bad_header);
  g_test_add_func ("/wire/malformed-fields", test_malformed_fields);
  g_test_add_func ("/wire/terminate-pid-checked", test_terminate_pid_checked);
  g_test_add_func ("/wire/encode-limit", test_encode_limit);
  g_test_add_func ("/wire/decode-budget", test_decode_budget);
  g_test_add_func ("/wire/mutations", test_mutations);
  g_test_add_func ("/wire/stream", test_stream);
  g_test_add_func ("/wire/flood", test_flood);

  return g_test_run ();
}
