/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "ps-port-query.h"

/* Decimal digits only, 0..65535. */
static gboolean
parse_digits (const char *text,
              gsize       len,
              guint      *port)
{
  guint value = 0;

  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] < '0' || text[i] > '9')
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
      if (value > 65535)
        return FALSE;
    }
  *port = value;
  return TRUE;
}

static gboolean
is_ip_address (const char *text,
               gsize       len)
{
  g_autofree char *copy = g_strndup (text, len);

  return g_hostname_is_ip_address (copy);
}

/* An interface name after '%' ("127.0.0.53%lo", "fe80::1%eth0"). */
static gboolean
is_interface (const char *text,
              gsize       len)
{
  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("-_.@", text[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* A host as logs print it: "*" (ss's wildcard), an IPv4 address or a host
 * name (letters, digits, '-', '_', '.'; digits and dots alone must make an
 * IPv4 address), with an optional "%interface". */
static gboolean
is_host (const char *text,
         gsize       len)
{
  const char *percent = memchr (text, '%', len);
  gboolean name = FALSE;

  if (percent != NULL)
    {
      if (!is_interface (percent + 1, len - (gsize) (percent + 1 - text)))
        return FALSE;
      len = (gsize) (percent - text);
    }
  if (len == 1 && text[0] == '*')
    return TRUE;
  if (len == 0 || text[0] == '.' || text[0] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isalpha (text[i]) || text[i] == '-' || text[i] == '_')
        name = TRUE;
      else if (!g_ascii_isdigit (text[i]) && text[i] != '.')
        return FALSE;
    }
  return name || is_ip_address (text, len);
}

/* "[IPv6]:PORT", then nothing or a path (the address may carry
 * "%interface"). */
static gboolean
parse_bracketed (const char *text,
                 guint      *port)
{
  const char *close = strchr (text, ']');

  if (close == NULL || close[1] != ':' || close == text + 1)
    return FALSE;
  if (!is_ip_address (text + 1, (gsize) (close - text - 1)) ||
      memchr (text + 1, ':', (gsize) (close - text - 1)) == NULL)
    return FALSE;
  return parse_digits (close + 2, strcspn (close + 2, "/"), port);
}

/* A URL: its port, or its scheme's for the web. */
static gboolean
parse_url (const char *text,
           guint      *port)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  int value;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  value = g_uri_get_port (uri);
  if (value >= 0 && value <= 65535)
    {
      *port = (guint) value;
      return TRUE;
    }
  if (value != -1)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "ws") == 0)
    *port = 80;
  else if (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0)
    *port = 443;
  else
    return FALSE;
  return TRUE;
}

gboolean
ps_port_query_parse (const char *text,
                     guint      *port)
{
  guint value = 0;
  gboolean ok;

  if (text == NULL || *text == '\0')
    return FALSE;

  if (strstr (text, "://") != NULL)
    {
      ok = parse_url (text, &value);
    }
  else if (text[0] == '[')
    {
      ok = parse_bracketed (text, &value);
    }
  else
    {
      /* What comes before a path ("localhost:3000/docs") or a protocol
       * ("8080/tcp"). */
      gsize head = strcspn (text, "/");
      const char *rest = text + head;
      const char *colon = g_strrstr_len (text, (gssize) head, ":");

      if (colon == NULL)
        ok = parse_digits (text, head, &value) &&
             (*rest == '\0' || g_ascii_strcasecmp (rest, "/tcp") == 0 ||
              g_ascii_strcasecmp (rest, "/udp") == 0);
      else if (colon == text)
        ok = parse_digits (text + 1, head - 1, &value);            /* ":8080" */
      else if (memchr (text, ':', (gsize) (colon - text)) == NULL)
        ok = is_host (text, (gsize) (colon - text)) &&
             parse_digits (colon + 1, (gsize) (text + head - colon - 1), &value);
      else
        /* netstat's unbracketed "ADDRESS:PORT" for IPv6 (":::22"), only when
         * the whole text is not itself an address ("::1:631" is one). */
        ok = *rest == '\0' && !g_hostname_is_ip_address (text) &&
             is_ip_address (text, (gsize) (colon - text)) &&
             parse_digits (colon + 1, strlen (colon + 1), &value);
    }

  if (ok && port != NULL)
    *port = value;
  return ok;
}
