/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-wire.c: the helper protocol.  The decoder takes hostile input: every read
 * is bounds-checked against the frame, every allocation against a budget. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ps-wire.h"

/* Top-level tags. */
enum
{
  T_VERSION = 1,      /* u32 */
  T_PID = 2,          /* i32 */
  T_UID = 3,          /* u32 */
  T_FLAGS = 4,        /* u32 */
  T_SOURCE = 5,       /* u32 */
  T_STATS = 6,        /* 4 x u32: full walks, partial walks, pids denied, pids scanned */
  T_START_TIME = 7,   /* u64 */
  T_INODE = 8,        /* u64 */
  T_SIGNAL = 9,       /* i32 */
  T_CODE = 10,        /* i32 */
  T_TEXT = 11,        /* string */
  T_TIMEOUT = 12,     /* u32 milliseconds */
  T_SOCKET = 16,      /* record */
  T_PROCESS = 17,     /* record */
  T_USER = 18,        /* record */
};

/* Socket record. */
enum
{
  S_CORE = 1,         /* SOCKET_CORE_SIZE bytes */
  S_OWNERS = 2,       /* n x i32 */
};
#define SOCKET_CORE_SIZE 64

/* Process record. */
enum
{
  P_CORE = 1,         /* PROCESS_CORE_SIZE bytes */
  P_COMM = 2,
  P_CMDLINE = 3,      /* bytes, NULs allowed */
  P_EXE = 4,
  P_CWD = 5,
  P_UNIT = 6,
  P_CONTAINER = 7,
};
#define PROCESS_CORE_SIZE 24

/* User record. */
enum
{
  U_UID = 1,          /* u32 */
  U_NAME = 2,
};

#define FIELD_HEADER_SIZE 6

/* Little-endian helpers. */

static void
put_le16 (uint8_t  *p,
          uint16_t  v)
{
  p[0] = v & 0xff;
  p[1] = v >> 8;
}

static void
put_le32 (uint8_t  *p,
          uint32_t  v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static void
put_le64 (uint8_t  *p,
          uint64_t  v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static uint16_t
get_le16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | (p[1] << 8));
}

static uint32_t
get_le32 (const uint8_t *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static uint64_t
get_le64 (const uint8_t *p)
{
  return (uint64_t) get_le32 (p) | ((uint64_t) get_le32 (p + 4) << 32);
}

/* Messages */

static void
process_clear (PsWireProcess *p)
{
  free (p->comm);
  free (p->cmdline);
  free (p->exe);
  free (p->cwd);
  free (p->unit);
  free (p->container);
  memset (p, 0, sizeof *p);
}

void
ps_wire_message_clear (PsWireMessage *msg)
{
  if (msg == NULL)
    return;
  for (size_t i = 0; i < msg->n_sockets; i++)
    free (msg->sockets[i].owners);
  free (msg->sockets);
  for (size_t i = 0; i < msg->n_processes; i++)
    process_clear (&msg->processes[i]);
  free (msg->processes);
  for (size_t i = 0; i < msg->n_users; i++)
    free (msg->users[i].name);
  free (msg->users);
  free (msg->text);
  memset (msg, 0, sizeof *msg);
}

const PsWireProcess *
ps_wire_message_find_process (const PsWireMessage *msg,
                              int32_t              pid)
{
  for (size_t i = 0; i < msg->n_processes; i++)
    if (msg->processes[i].pid == pid)
      return &msg->processes[i];
  return NULL;
}

const char *
ps_wire_message_find_user (const PsWireMessage *msg,
                           uint32_t             uid)
{
  for (size_t i = 0; i < msg->n_users; i++)
    if (msg->users[i].uid == uid)
      return msg->users[i].name;
  return NULL;
}

/* Encoder */

typedef struct
{
  PsWireBuf *buf;
  int error;
} Encoder;

void
ps_wire_buf_clear (PsWireBuf *buf)
{
  if (buf == NULL)
    return;
  free (buf->data);
  memset (buf, 0, sizeof *buf);
}

/* Reserves N bytes at the end and returns them, or NULL with enc->error set. */
static uint8_t *
enc_grow (Encoder *enc,
          size_t   n)
{
  PsWireBuf *b = enc->buf;

  if (enc->error != 0)
    return NULL;
  if (n > PS_WIRE_MAX_FRAME || b->len > PS_WIRE_MAX_FRAME - n)
    {
      enc->error = -EMSGSIZE;
      return NULL;
    }
  if (b->len + n > b->cap)
    {
      size_t cap = b->cap ? b->cap : 256;
      uint8_t *data;

      while (cap < b->len + n)
        cap *= 2;
      if (cap > PS_WIRE_MAX_FRAME)
        cap = PS_WIRE_MAX_FRAME;
      data = realloc (b->data, cap);
      if (data == NULL)
        {
          enc->error = -ENOMEM;
          return NULL;
        }
      b->data = data;
      b->cap = cap;
    }
  b->len += n;
  return b->data + b->len - n;
}

static void
enc_field (Encoder    *enc,
           uint16_t    tag,
           const void *data,
           size_t      len)
{
  uint8_t *p;

  if (len > PS_WIRE_MAX_FRAME)
    {
      enc->error = -EMSGSIZE;
      return;
    }
  p = enc_grow (enc, FIELD_HEADER_SIZE + len);
  if (p == NULL)
    return;
  put_le16 (p, tag);
  put_le32 (p + 2, (uint32_t) len);
  if (len > 0)
    memcpy (p + FIELD_HEADER_SIZE, data, len);
}

static void
enc_u32 (Encoder  *enc,
         uint16_t  tag,
         uint32_t  v)
{
  uint8_t b[4];

  put_le32 (b, v);
  enc_field (enc, tag, b, sizeof b);
}

static void
enc_u64 (Encoder  *enc,
         uint16_t  tag,
         uint64_t  v)
{
  uint8_t b[8];

  put_le64 (b, v);
  enc_field (enc, tag, b, sizeof b);
}

static void
enc_str (Encoder    *enc,
         uint16_t    tag,
         const char *s)
{
  if (s != NULL)
    enc_field (enc, tag, s, strlen (s));
}

/* Opens a record; returns the offset of its header, to pass to enc_end(). */
static size_t
enc_begin (Encoder  *enc,
           uint16_t  tag)
{
  uint8_t *p = enc_grow (enc, FIELD_HEADER_SIZE);

  if (p == NULL)
    return 0;
  put_le16 (p, tag);
  put_le32 (p + 2, 0);
  return enc->buf->len - FIELD_HEADER_SIZE;
}

static void
enc_end (Encoder *enc,
         size_t   offset)
{
  if (enc->error != 0)
    return;
  put_le32 (enc->buf->data + offset + 2,
            (uint32_t) (enc->buf->len - offset - FIELD_HEADER_SIZE));
}

static void
enc_socket (Encoder            *enc,
            const PsWireSocket *ws)
{
  const PsProbeSocket *s = &ws->socket;
  uint8_t core[SOCKET_CORE_SIZE];
  size_t rec = enc_begin (enc, T_SOCKET);

  memset (core, 0, sizeof core);
  core[0] = s->protocol;
  core[1] = s->family;
  core[2] = s->state;
  core[3] = s->v6only;
  memcpy (core + 4, s->local_addr, 16);
  memcpy (core + 20, s->remote_addr, 16);
  put_le16 (core + 36, s->local_port);
  put_le16 (core + 38, s->remote_port);
  put_le32 (core + 40, s->ifindex);
  put_le32 (core + 44, s->uid);
  put_le64 (core + 48, s->inode);
  put_le64 (core + 56, s->cookie);
  enc_field (enc, S_CORE, core, sizeof core);

  if (ws->n_owners > 0)
    {
      uint8_t *p;

      if (ws->n_owners > PS_WIRE_MAX_FRAME / 4)
        {
          enc->error = -EMSGSIZE;
          return;
        }
      p = enc_grow (enc, FIELD_HEADER_SIZE + ws->n_owners * 4);
      if (p == NULL)
        return;
      put_le16 (p, S_OWNERS);
      put_le32 (p + 2, (uint32_t) (ws->n_owners * 4));
      for (size_t i = 0; i < ws->n_owners; i++)
        put_le32 (p + FIELD_HEADER_SIZE + 4 * i, (uint32_t) ws->owners[i]);
    }
  enc_end (enc, rec);
}

static void
enc_process (Encoder             *enc,
             const PsWireProcess *p)
{
  uint8_t core[PROCESS_CORE_SIZE];
  size_t rec = enc_begin (enc, T_PROCESS);

  memset (core, 0, sizeof core);
  put_le32 (core, (uint32_t) p->pid);
  put_le32 (core + 4, (uint32_t) p->ppid);
  put_le32 (core + 8, p->uid);
  put_le64 (core + 12, p->start_time);
  core[20] = (uint8_t) p->state;
  core[21] = p->kernel_thread;
  core[22] = p->user_unit;
  enc_field (enc, P_CORE, core, sizeof core);
  enc_str (enc, P_COMM, p->comm);
  if (p->cmdline != NULL)
    enc_field (enc, P_CMDLINE, p->cmdline, p->cmdline_len);
  enc_str (enc, P_EXE, p->exe);
  enc_str (enc, P_CWD, p->cwd);
  enc_str (enc, P_UNIT, p->unit);
  enc_str (enc, P_CONTAINER, p->container);
  enc_end (enc, rec);
}

int
ps_wire_encode (const PsWireMessage *msg,
                PsWireBuf           *out)
{
  Encoder enc = { out, 0 };
  uint8_t *header;

  if (msg == NULL || out == NULL)
    return -EINVAL;
  if (msg->type < PS_WIRE_MSG_HELLO || msg->type > PS_WIRE_MSG_ERROR)
    return -EINVAL;

  out->len = 0;
  header = enc_grow (&enc, PS_WIRE_HEADER_SIZE);
  if (header == NULL)
    return enc.error;

  switch ((PsWireMsgType) msg->type)
    {
    case PS_WIRE_MSG_HELLO:
      enc_u32 (&enc, T_VERSION, msg->version);
      enc_u32 (&enc, T_PID, (uint32_t) msg->pid);
      enc_u32 (&enc, T_UID, msg->uid);
      break;

    case PS_WIRE_MSG_SCAN_REQUEST:
      enc_u32 (&enc, T_FLAGS, msg->flags);
      break;

    case PS_WIRE_MSG_SCAN_REPLY:
      {
        uint8_t stats[16];

        enc_u32 (&enc, T_FLAGS, msg->flags);
        enc_u32 (&enc, T_SOURCE, msg->source);
        put_le32 (stats, msg->full_walks);
        put_le32 (stats + 4, msg->partial_walks);
        put_le32 (stats + 8, msg->pids_denied);
        put_le32 (stats + 12, msg->pids_scanned);
        enc_field (&enc, T_STATS, stats, sizeof stats);
        for (size_t i = 0; i < msg->n_users; i++)
          {
            size_t rec = enc_begin (&enc, T_USER);

            enc_u32 (&enc, U_UID, msg->users[i].uid);
            enc_str (&enc, U_NAME, msg->users[i].name);
            enc_end (&enc, rec);
          }
        for (size_t i = 0; i < msg->n_processes; i++)
          enc_process (&enc, &msg->processes[i]);
        for (size_t i = 0; i < msg->n_sockets; i++)
          enc_socket (&enc, &msg->sockets[i]);
      }
      break;

    case PS_WIRE_MSG_TERMINATE_REQUEST:
      enc_u32 (&enc, T_PID, (uint32_t) msg->pid);
      enc_u64 (&enc, T_START_TIME, msg->start_time);
      enc_u64 (&enc, T_INODE, msg->inode);
      enc_u32 (&enc, T_SIGNAL, (uint32_t) msg->signal);
      if (msg->timeout_ms != 0)
        enc_u32 (&enc, T_TIMEOUT, msg->timeout_ms);
      break;

    case PS_WIRE_MSG_TERMINATE_REPLY:
      enc_u32 (&enc, T_CODE, (uint32_t) msg->code);
      enc_u32 (&enc, T_FLAGS, msg->flags);
      break;

    case PS_WIRE_MSG_ERROR:
      enc_u32 (&enc, T_CODE, (uint32_t) msg->code);
      enc_str (&enc, T_TEXT, msg->text);
      break;

    default:
      return -EINVAL;
    }

  if (enc.error != 0)
    {
      out->len = 0;
      return enc.error;
    }

  header = out->data;
  put_le32 (header, (uint32_t) out->len);
  put_le32 (header + 4, PS_WIRE_MAGIC);
  put_le16 (header + 8, PS_WIRE_VERSION);
  put_le16 (header + 10, msg->type);
  return 0;
}

/* Decoder */

typedef struct
{
  size_t budget;            /* bytes the decoder may still allocate */
} Decoder;

static void *
dec_alloc (Decoder *dec,
           size_t   n,
           size_t   size,
           int     *error)
{
  void *p;

  if (n == 0)
    return NULL;
  if (size != 0 && n > dec->budget / size)
    {
      *error = -EMSGSIZE;
      return NULL;
    }
  p = calloc (n, size);
  if (p == NULL)
    {
      *error = -ENOMEM;
      return NULL;
    }
  dec->budget -= n * size;
  return p;
}

/* Iterates the fields of [DATA, DATA+LEN).  Returns 1 with a field, 0 at the
 * end, -EPROTO when a field header or value runs past the end. */
static int
next_field (const uint8_t  *data,
            size_t          len,
            size_t         *pos,
            uint16_t       *tag,
            const uint8_t **value,
            size_t         *value_len)
{
  uint32_t vlen;

  if (*pos == len)
    return 0;
  if (len - *pos < FIELD_HEADER_SIZE)
    return -EPROTO;
  *tag = get_le16 (data + *pos);
  vlen = get_le32 (data + *pos + 2);
  if (vlen > len - *pos - FIELD_HEADER_SIZE)
    return -EPROTO;
  *value = data + *pos + FIELD_HEADER_SIZE;
  *value_len = vlen;
  *pos += FIELD_HEADER_SIZE + vlen;
  return 1;
}

/* Marks TAG seen; -EPROTO when it was already (known tags are all below 64). */
static int
mark_seen (uint64_t *seen,
           uint16_t  tag)
{
  uint64_t bit;

  if (tag >= 64)
    return 0;
  bit = (uint64_t) 1 << tag;
  if (*seen & bit)
    return -EPROTO;
  *seen |= bit;
  return 0;
}

/* A NUL-terminated copy of a string value; embedded NULs are malformed. */
static int
dec_string (Decoder       *dec,
            const uint8_t *value,
            size_t         len,
            char         **out)
{
  int error = 0;
  char *s;

  if (memchr (value, '\0', len) != NULL)
    return -EPROTO;
  s = dec_alloc (dec, len + 1, 1, &error);
  if (s == NULL)
    return error;
  memcpy (s, value, len);
  *out = s;
  return 0;
}

static int
dec_u32 (const uint8_t *value,
         size_t         len,
         uint32_t      *out)
{
  if (len != 4)
    return -EPROTO;
  *out = get_le32 (value);
  return 0;
}

static int
dec_u64 (const uint8_t *value,
         size_t         len,
         uint64_t      *out)
{
  if (len != 8)
    return -EPROTO;
  *out = get_le64 (value);
  return 0;
}

static int
dec_socket (Decoder       *dec,
            const uint8_t *data,
            size_t         len,
            PsWireSocket  *out)
{
  size_t pos = 0, vlen;
  uint16_t tag;
  const uint8_t *v;
  uint64_t seen = 0;
  int r;

  while ((r = next_field (data, len, &pos, &tag, &v, &vlen)) > 0)
    {
      if ((r = mark_seen (&seen, tag)) < 0)
        return r;
      switch (tag)
        {
        case S_CORE:
          {
            PsProbeSocket *s = &out->socket;

            if (vlen != SOCKET_CORE_SIZE)
              return -EPROTO;
            s->protocol = v[0];
            s->family = v[1];
            s->state = v[2];
            s->v6only = v[3];
            memcpy (s->local_addr, v + 4, 16);
            memcpy (s->remote_addr, v + 20, 16);
            s->local_port = get_le16 (v + 36);
            s->remote_port = get_le16 (v + 38);
            s->ifindex = get_le32 (v + 40);
            s->uid = get_le32 (v + 44);
            s->inode = get_le64 (v + 48);
            s->cookie = get_le64 (v + 56);
            if ((s->protocol != 6 && s->protocol != 17)
                || (s->family != 2 && s->family != 10)
                || s->v6only > PS_V6ONLY_UNKNOWN)
              return -EPROTO;
          }
          break;

        case S_OWNERS:
          if (vlen % 4 != 0)
            return -EPROTO;
          out->n_owners = vlen / 4;
          out->owners = dec_alloc (dec, out->n_owners, sizeof (int32_t), &r);
          if (out->n_owners > 0 && out->owners == NULL)
            {
              out->n_owners = 0;
              return r;
            }
          for (size_t i = 0; i < out->n_owners; i++)
            {
              out->owners[i] = (int32_t) get_le32 (v + 4 * i);
              if (out->owners[i] <= 0)
                return -EPROTO;
            }
          break;

        default:
          break;
        }
    }
  if (r < 0)
    return r;
  if (!(seen & ((uint64_t) 1 << S_CORE)))
    return -EPROTO;
  return 0;
}

static int
dec_process (Decoder       *dec,
             const uint8_t *data,
             size_t         len,
             PsWireProcess *out)
{
  size_t pos = 0, vlen;
  uint16_t tag;
  const uint8_t *v;
  uint64_t seen = 0;
  int r;

  while ((r = next_field (data, len, &pos, &tag, &v, &vlen)) > 0)
    {
      if ((r = mark_seen (&seen, tag)) < 0)
        return r;
      switch (tag)
        {
        case P_CORE:
          if (vlen != PROCESS_CORE_SIZE)
            return -EPROTO;
          out->pid = (int32_t) get_le32 (v);
          out->ppid = (int32_t) get_le32 (v + 4);
          out->uid = get_le32 (v + 8);
          out->start_time = get_le64 (v + 12);
          out->state = (char) v[20];
          out->kernel_thread = v[21] != 0;
          out->user_unit = v[22] != 0;
          if (out->pid <= 0 || out->ppid < 0)
            return -EPROTO;
          break;

        case P_COMM:
          if ((r = dec_string (dec, v, vlen, &out->comm)) < 0)
            return r;
          break;

        case P_CMDLINE:
          out->cmdline = dec_alloc (dec, vlen + 1, 1, &r);
          if (out->cmdline == NULL)
            return r;
          memcpy (out->cmdline, v, vlen);
          out->cmdline_len = vlen;
          break;

        case P_EXE:
          if ((r = dec_string (dec, v, vlen, &out->exe)) < 0)
            return r;
          break;

        case P_CWD:
          if ((r = dec_string (dec, v, vlen, &out->cwd)) < 0)
            return r;
          break;

        case P_UNIT:
          if ((r = dec_string (dec, v, vlen, &out->unit)) < 0)
            return r;
          break;

        case P_CONTAINER:
          if ((r = dec_string (dec, v, vlen, &out->container)) < 0)
            return r;
          break;

        default:
          break;
        }
    }
  if (r < 0)
    return r;
  if (!(seen & ((uint64_t) 1 << P_CORE)))
    return -EPROTO;
  return 0;
}

static int
dec_user (Decoder       *dec,
          const uint8_t *data,
          size_t         len,
          PsWireUser    *out)
{
  size_t pos = 0, vlen;
  uint16_t tag;
  const uint8_t *v;
  uint64_t seen = 0;
  int r;

  while ((r = next_field (data, len, &pos, &tag, &v, &vlen)) > 0)
    {
      if ((r = mark_seen (&seen, tag)) < 0)
        return r;
      if (tag == U_UID && (r = dec_u32 (v, vlen, &out->uid)) < 0)
        return r;
      if (tag == U_NAME && (r = dec_string (dec, v, vlen, &out->name)) < 0)
        return r;
    }
  if (r < 0)
    return r;
  if (!(seen & ((uint64_t) 1 << U_UID)) || !(seen & ((uint64_t) 1 << U_NAME)))
    return -EPROTO;
  return 0;
}

int
ps_wire_check_header (const uint8_t *header,
                      size_t         len,
                      size_t        *frame_len)
{
  uint32_t length;
  uint16_t type;

  if (header == NULL || len < PS_WIRE_HEADER_SIZE)
    return -EINVAL;
  length = get_le32 (header);
  if (length > PS_WIRE_MAX_FRAME)
    return -EMSGSIZE;
  if (length < PS_WIRE_HEADER_SIZE)
    return -EINVAL;
  if (get_le32 (header + 4) != PS_WIRE_MAGIC)
    return -EPROTO;
  if (frame_len != NULL)
    *frame_len = length;
  if (get_le16 (header + 8) != PS_WIRE_VERSION)
    return -EPROTONOSUPPORT;
  type = get_le16 (header + 10);
  if (type < PS_WIRE_MSG_HELLO || type > PS_WIRE_MSG_ERROR)
    return -EPROTO;
  return 0;
}

/* Which top-level fields each message type requires. */
static uint64_t
required_fields (uint16_t type)
{
#define BIT(t) ((uint64_t) 1 << (t))
  switch ((PsWireMsgType) type)
    {
    case PS_WIRE_MSG_HELLO:
      return BIT (T_VERSION) | BIT (T_PID) | BIT (T_UID);
    case PS_WIRE_MSG_SCAN_REQUEST:
      return BIT (T_FLAGS);
    case PS_WIRE_MSG_SCAN_REPLY:
      return BIT (T_FLAGS) | BIT (T_SOURCE);
    case PS_WIRE_MSG_TERMINATE_REQUEST:
      return BIT (T_PID) | BIT (T_START_TIME) | BIT (T_INODE) | BIT (T_SIGNAL);
    case PS_WIRE_MSG_TERMINATE_REPLY:
    case PS_WIRE_MSG_ERROR:
      return BIT (T_CODE);
    default:
      return 0;
    }
#undef BIT
}

static int
decode_payload (Decoder       *dec,
                const uint8_t *data,
                size_t         len,
                PsWireMessage *out)
{
  size_t pos = 0, vlen;
  size_t n_sockets = 0, n_processes = 0, n_users = 0;
  uint16_t tag;
  const uint8_t *v;
  uint64_t seen = 0;
  int r;

  /* First pass: validate the framing and count records, so arrays are
   * allocated once and the budget is checked before any allocation. */
  while ((r = next_field (data, len, &pos, &tag, &v, &vlen)) > 0)
    {
      if (tag == T_SOCKET)
        n_sockets++;
      else if (tag == T_PROCESS)
        n_processes++;
      else if (tag == T_USER)
        n_users++;
    }
  if (r < 0)
    return r;

  if (n_sockets > 0
      && (out->sockets = dec_alloc (dec, n_sockets, sizeof (PsWireSocket), &r)) == NULL)
    return r;
  if (n_processes > 0
      && (out->processes = dec_alloc (dec, n_processes, sizeof (PsWireProcess), &r)) == NULL)
    return r;
  if (n_users > 0
      && (out->users = dec_alloc (dec, n_users, sizeof (PsWireUser), &r)) == NULL)
    return r;

  pos = 0;
  while ((r = next_field (data, len, &pos, &tag, &v, &vlen)) > 0)
    {
      uint32_t u32 = 0;

      switch (tag)
        {
        case T_SOCKET:
          r = dec_socket (dec, v, vlen, &out->sockets[out->n_sockets++]);
          break;
        case T_PROCESS:
          r = dec_process (dec, v, vlen, &out->processes[out->n_processes++]);
          break;
        case T_USER:
          r = dec_user (dec, v, vlen, &out->users[out->n_users++]);
          break;
        default:
          if ((r = mark_seen (&seen, tag)) < 0)
            return r;
          switch (tag)
            {
            case T_VERSION:
              r = dec_u32 (v, vlen, &out->version);
              break;
            case T_PID:
              r = dec_u32 (v, vlen, &u32);
              out->pid = (int32_t) u32;
              break;
            case T_UID:
              r = dec_u32 (v, vlen, &out->uid);
              break;
            case T_FLAGS:
              r = dec_u32 (v, vlen, &out->flags);
              break;
            case T_SOURCE:
              r = dec_u32 (v, vlen, &out->source);
              break;
            case T_STATS:
              if (vlen != 16)
                return -EPROTO;
              out->full_walks = get_le32 (v);
              out->partial_walks = get_le32 (v + 4);
              out->pids_denied = get_le32 (v + 8);
              out->pids_scanned = get_le32 (v + 12);
              break;
            case T_START_TIME:
              r = dec_u64 (v, vlen, &out->start_time);
              break;
            case T_INODE:
              r = dec_u64 (v, vlen, &out->inode);
              break;
            case T_SIGNAL:
              r = dec_u32 (v, vlen, &u32);
              out->signal = (int32_t) u32;
              break;
            case T_CODE:
              r = dec_u32 (v, vlen, &u32);
              out->code = (int32_t) u32;
              break;
            case T_TEXT:
              r = dec_string (dec, v, vlen, &out->text);
              break;
            case T_TIMEOUT:
              r = dec_u32 (v, vlen, &out->timeout_ms);
              break;
            default:
              r = 0;    /* unknown: skipped */
              break;
            }
          break;
        }
      if (r < 0)
        return r;
    }
  if (r < 0)
    return r;

  if ((seen & required_fields (out->type)) != required_fields (out->type))
    return -EPROTO;
  if (out->type == PS_WIRE_MSG_TERMINATE_REQUEST && out->pid <= 0)
    return -EPROTO;
  return 0;
}

int
ps_wire_decode (const void    *frame,
                size_t         len,
                PsWireMessage *out)
{
  const uint8_t *data = frame;
  Decoder dec = { PS_WIRE_MAX_DECODED };
  size_t frame_len = 0;
  int r;

  if (out == NULL)
    return -EINVAL;
  memset (out, 0, sizeof *out);
  if (data == NULL)
    return -EINVAL;

  r = ps_wire_check_header (data, len, &frame_len);
  if (r < 0)
    return r;
  if (frame_len != len)
    return -EINVAL;

  out->type = get_le16 (data + 10);
  r = decode_payload (&dec, data + PS_WIRE_HEADER_SIZE, len - PS_WIRE_HEADER_SIZE, out);
  if (r < 0)
    ps_wire_message_clear (out);
  return r;
}

/* Framed I/O */

int64_t
ps_wire_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for EVENTS on FD until DEADLINE_MS.  Returns 0 or -errno. */
static int
wait_fd (int     fd,
         short   events,
         int64_t deadline_ms)
{
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = events };
      int timeout = -1;
      int n;

      if (deadline_ms >= 0)
        {
          int64_t left = deadline_ms - ps_wire_now_ms ();

          if (left <= 0)
            return -ETIMEDOUT;
          timeout = left > 60000 ? 60000 : (int) left;
        }
      n = poll (&pfd, 1, timeout);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      if (n > 0)
        return 0;     /* readable, writable, hung up or in error: the call says which */
    }
}

/* Reads exactly LEN bytes.  Returns 1, 0 on end of file before any byte,
 * -ECONNRESET on end of file after some, or -errno. */
static int
read_exact (int       fd,
            uint8_t  *buf,
            size_t    len,
            int64_t   deadline_ms,
            int       allow_eof)
{
  size_t got = 0;

  while (got < len)
    {
      ssize_t n;
      int r;

      if (deadline_ms >= 0 && (r = wait_fd (fd, POLLIN, deadline_ms)) < 0)
        return r;
      n = read (fd, buf + got, len - got);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              if ((r = wait_fd (fd, POLLIN, deadline_ms)) < 0)
                return r;
              continue;
            }
          return -errno;
        }
      if (n == 0)
        return (got == 0 && allow_eof) ? 0 : -ECONNRESET;
      got += (size_t) n;
    }
  return 1;
}

int
ps_wire_read_frame (int       fd,
                    int64_t   deadline_ms,
                    uint8_t **frame,
                    size_t   *len)
{
  uint8_t header[PS_WIRE_HEADER_SIZE];
  size_t frame_len = 0;
  uint8_t *buf;
  int r;

  *frame = NULL;
  *len = 0;

  r = read_exact (fd, header, sizeof header, deadline_ms, 1);
  if (r <= 0)
    return r;
  r = ps_wire_check_header (header, sizeof header, &frame_len);
  if (r < 0)
    return r;

  buf = malloc (frame_len);
  if (buf == NULL)
    return -ENOMEM;
  memcpy (buf, header, sizeof header);
  if (frame_len > sizeof header)
    {
      r = read_exact (fd, buf + sizeof header, frame_len - sizeof header, deadline_ms, 0);
      if (r < 0)
        {
          free (buf);
          return r;
        }
    }
  *frame = buf;
  *len = frame_len;
  return 1;
}

int
ps_wire_write_all (int         fd,
                   const void *data,
                   size_t      len,
                   int64_t     deadline_ms)
{
  const uint8_t *p = data;
  int is_socket = 1;

  while (len > 0)
    {
      ssize_t n;
      int r;

      if (deadline_ms >= 0 && (r = wait_fd (fd, POLLOUT, deadline_ms)) < 0)
        return r;
      /* send() with MSG_NOSIGNAL: a dead peer gives EPIPE, not SIGPIPE. */
      if (is_socket)
        {
          n = send (fd, p, len, MSG_NOSIGNAL);
          if (n < 0 && errno == ENOTSOCK)
            {
              is_socket = 0;
              continue;
            }
        }
      else
        n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              if ((r = wait_fd (fd, POLLOUT, deadline_ms)) < 0)
                return r;
              continue;
            }
          return -errno;
        }
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
ps_wire_send (int                  fd,
              const PsWireMessage *msg,
              int64_t              deadline_ms)
{
  PsWireBuf buf = { 0 };
  int r;

  r = ps_wire_encode (msg, &buf);
  if (r == 0)
    r = ps_wire_write_all (fd, buf.data, buf.len, deadline_ms);
  ps_wire_buf_clear (&buf);
  return r;
}

int
ps_wire_receive (int            fd,
                 int64_t        deadline_ms,
                 PsWireMessage *out)
{
  uint8_t *frame = NULL;
  size_t len = 0;
  int r;

  memset (out, 0, sizeof *out);
  r = ps_wire_read_frame (fd, deadline_ms, &frame, &len);
  if (r <= 0)
    return r;
  r = ps_wire_decode (frame, len, out);
  free (frame);
  return r < 0 ? r : 1;
}
