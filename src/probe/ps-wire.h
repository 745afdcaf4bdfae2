/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-wire.h: the portscope-helper protocol (encode, decode, framed I/O). libc only.
 *
 * A frame is a 12-byte header followed by a payload of TLV fields:
 *
 *   u32 length   whole frame, header included (little-endian), 12..PS_WIRE_MAX_FRAME
 *   u32 magic    PS_WIRE_MAGIC
 *   u16 version  PS_WIRE_VERSION
 *   u16 type     PS_WIRE_MSG_*
 *   payload      fields: u16 tag, u32 length, LENGTH bytes of value (little-endian)
 *
 * Records (sockets, processes, users) are fields whose value is itself a list
 * of fields.  Unknown tags are skipped; fixed-size fields must have their exact
 * size; strings carry no NUL.  The decoder never reads outside its buffer and
 * never allocates more than PS_WIRE_MAX_DECODED bytes for one frame. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ps-sockets.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PS_WIRE_MAGIC 0x57435350u          /* "PSCW" on the wire */
#define PS_WIRE_VERSION 1
#define PS_WIRE_HEADER_SIZE 12
#define PS_WIRE_MAX_FRAME (16u * 1024 * 1024)
/* Upper bound of what decoding one frame may allocate (heap bytes requested). */
#define PS_WIRE_MAX_DECODED (4u * PS_WIRE_MAX_FRAME)

typedef enum
{
  PS_WIRE_MSG_HELLO = 1,             /* helper -> app, first frame */
  PS_WIRE_MSG_SCAN_REQUEST = 2,
  PS_WIRE_MSG_SCAN_REPLY = 3,
  PS_WIRE_MSG_TERMINATE_REQUEST = 4,
  PS_WIRE_MSG_TERMINATE_REPLY = 5,
  PS_WIRE_MSG_ERROR = 6,
} PsWireMsgType;

/* SCAN_REQUEST flags. */
enum
{
  PS_WIRE_SCAN_CONNECTIONS = 1u << 0,  /* every TCP state, not only LISTEN */
  PS_WIRE_SCAN_FULL_WALK = 1u << 1,    /* force a full /proc walk */
  PS_WIRE_SCAN_NO_OWNERS = 1u << 2,    /* sockets only */
};

/* SCAN_REPLY flags. */
enum
{
  PS_WIRE_REPLY_OWNERS_COMPLETE = 1u << 0,
};

/* TERMINATE_REPLY flags. */
enum
{
  PS_WIRE_TERMINATE_EXITED = 1u << 0,  /* the target exited within timeout_ms */
};

/* Longest wait for a target's exit the helper accepts in one request. */
#define PS_WIRE_MAX_TERMINATE_WAIT_MS 10000

/* One owner process, as the helper saw it.  Strings are untrusted bytes,
 * NUL-terminated, nullable. */
typedef struct
{
  int32_t pid;
  int32_t ppid;
  uint32_t uid;
  uint64_t start_time;
  char state;
  uint8_t kernel_thread;
  uint8_t user_unit;
  char *comm;
  char *cmdline;            /* NUL-separated argv, CMDLINE_LEN bytes (plus a NUL) */
  size_t cmdline_len;
  char *exe;
  char *cwd;
  char *unit;
  char *container;
} PsWireProcess;

typedef struct
{
  PsProbeSocket socket;
  int32_t *owners;          /* pids, see PsWireMessage.processes */
  size_t n_owners;
} PsWireSocket;

typedef struct
{
  uint32_t uid;
  char *name;
} PsWireUser;

/* Every message type in one struct; only the fields of TYPE are encoded.
 * Zero-initialise; heap fields are owned by the message: ps_wire_message_clear(). */
typedef struct
{
  uint16_t type;            /* PsWireMsgType */

  /* HELLO */
  uint32_t version;         /* PS_WIRE_VERSION of the sender */
  int32_t pid;              /* HELLO: helper pid; TERMINATE_REQUEST: target */
  uint32_t uid;             /* HELLO: helper's effective uid */

  /* SCAN_REQUEST / SCAN_REPLY / TERMINATE_REPLY */
  uint32_t flags;           /* PS_WIRE_SCAN_*, PS_WIRE_REPLY_* or PS_WIRE_TERMINATE_* */
  uint32_t source;          /* PsProbeSource */
  uint32_t full_walks;
  uint32_t partial_walks;
  uint32_t pids_denied;
  uint32_t pids_scanned;
  PsWireSocket *sockets;
  size_t n_sockets;
  PsWireProcess *processes;
  size_t n_processes;
  PsWireUser *users;
  size_t n_users;

  /* TERMINATE_REQUEST */
  uint64_t start_time;
  uint64_t inode;
  int32_t signal;
  uint32_t timeout_ms;      /* optional: wait up to this long for the exit */

  /* TERMINATE_REPLY (PS_PIN_* or -errno) / ERROR */
  int32_t code;
  char *text;               /* ERROR: a message for people (nullable) */
} PsWireMessage;

/* Frees every heap field; MSG is zeroed and reusable. */
void ps_wire_message_clear (PsWireMessage *msg);

/* Looks up a process or user by pid/uid in MSG (linear).  Returns a pointer
 * owned by MSG, or NULL. */
const PsWireProcess *ps_wire_message_find_process (const PsWireMessage *msg,
                                                   int32_t              pid);
const char *ps_wire_message_find_user (const PsWireMessage *msg,
                                       uint32_t             uid);

/* A growable output buffer.  Zero-initialise; free with ps_wire_buf_clear(). */
typedef struct
{
  uint8_t *data;
  size_t len;
  size_t cap;
} PsWireBuf;

void ps_wire_buf_clear (PsWireBuf *buf);

/* Encodes MSG as one frame, replacing the contents of OUT.  Returns 0,
 * -EMSGSIZE when the frame would exceed PS_WIRE_MAX_FRAME, -EINVAL for a bad
 * type, or -ENOMEM. */
int ps_wire_encode (const PsWireMessage *msg,
                    PsWireBuf           *out);

/* Validates a frame header (at least PS_WIRE_HEADER_SIZE bytes of HEADER) and
 * stores the whole frame length in *FRAME_LEN.  Returns 0, -EMSGSIZE (length
 * beyond PS_WIRE_MAX_FRAME), -EINVAL (length below the header size), -EPROTO
 * (bad magic or type) or -EPROTONOSUPPORT (another version: *FRAME_LEN is
 * still set when the length is sane). */
int ps_wire_check_header (const uint8_t *header,
                          size_t         len,
                          size_t        *frame_len);

/* Decodes exactly one frame of LEN bytes into OUT (zeroed first; caller
 * clears it on success, and it is left cleared on failure).  Returns 0,
 * -EINVAL (truncated or trailing bytes), -EMSGSIZE (declared length beyond the
 * limit, or decoding would allocate beyond PS_WIRE_MAX_DECODED),
 * -EPROTONOSUPPORT (another version), -EPROTO (malformed), or -ENOMEM. */
int ps_wire_decode (const void    *frame,
                    size_t         len,
                    PsWireMessage *out);

/* Milliseconds on CLOCK_MONOTONIC, for deadlines. */
int64_t ps_wire_now_ms (void);

/* Reads exactly one frame from FD (blocking or not) into *FRAME (malloc'ed,
 * caller frees) of *LEN bytes, never allocating more than PS_WIRE_MAX_FRAME.
 * DEADLINE_MS is a ps_wire_now_ms() instant, or -1 for none.  Returns 1 with a
 * frame, 0 on end of file before the first byte, or -errno: -ETIMEDOUT,
 * -ECONNRESET (end of file inside a frame), header errors as in
 * ps_wire_check_header(), or a read error. */
int ps_wire_read_frame (int       fd,
                        int64_t   deadline_ms,
                        uint8_t **frame,
                        size_t   *len);

/* Writes LEN bytes to FD, retrying on EINTR and waiting on EAGAIN until
 * DEADLINE_MS (-1 = none).  Returns 0 or -errno (-EPIPE, -ETIMEDOUT...). */
int ps_wire_write_all (int         fd,
                       const void *data,
                       size_t      len,
                       int64_t     deadline_ms);

/* Encodes MSG and writes it to FD.  Returns 0 or -errno. */
int ps_wire_send (int                  fd,
                  const PsWireMessage *msg,
                  int64_t              deadline_ms);

/* Reads and decodes one frame.  Returns 1 with OUT filled (caller clears),
 * 0 on clean end of file, or -errno as above. */
int ps_wire_receive (int            fd,
                     int64_t        deadline_ms,
                     PsWireMessage *out);

#ifdef __cplusplus
}
#endif
