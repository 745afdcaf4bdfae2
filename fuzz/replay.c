/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays a corpus through a libFuzzer harness with the ordinary compiler:
 * replay-NAME DIR|FILE...  Every file is fed to LLVMFuzzerTestOneInput once.
 * Exits 1 when no input was found (an empty corpus tests nothing). */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  uint8_t *data = NULL;
  size_t len = 0, cap = 0;

  if (f == NULL)
    {
      perror (path);
      return -1;
    }
  for (;;)
    {
      size_t n;

      if (len == cap)
        {
          uint8_t *bigger;

          cap = cap ? cap * 2 : 4096;
          bigger = realloc (data, cap);
          if (bigger == NULL)
            {
              free (data);
              fclose (f);
              return -1;
            }
          data = bigger;
        }
      n = fread (data + len, 1, cap - len, f);
      if (n == 0)
        break;
      len += n;
    }
  fclose (f);

  /* An exact-size copy, as libFuzzer gives. */
  {
    uint8_t *exact = malloc (len ? len : 1);

    if (exact == NULL)
      {
        free (data);
        return -1;
      }
    memcpy (exact, data, len);
    free (data);
    LLVMFuzzerTestOneInput (exact, len);
    free (exact);
  }
  return 0;
}

static int
compare_names (const struct dirent **a,
               const struct dirent **b)
{
  return strcmp ((*a)->d_name, (*b)->d_name);
}

int
main (int   argc,
      char *argv[])
{
  unsigned n = 0;

  for (int i = 1; i < argc; i++)
    {
      struct stat st;

      if (stat (argv[i], &st) < 0)
        {
          perror (argv[i]);
          return 1;
        }
      if (S_ISDIR (st.st_mode))
        {
          struct dirent **entries = NULL;
          int count = scandir (argv[i], &entries, NULL, compare_names);

          if (count < 0)
            {
              perror (argv[i]);
              return 1;
            }
          for (int k = 0; k < count; k++)
            {
              char path[4096];

              if (entries[k]->d_name[0] != '.')
                {
                  snprintf (path, sizeof path, "%s/%s", argv[i], entries[k]->d_name);
                  if (replay_file (path) < 0)
                    return 1;
                  n++;
                }
              free (entries[k]);
            }
          free (entries);
        }
      else
        {
          if (replay_file (argv[i]) < 0)
            return 1;
          n++;
        }
    }
  printf ("replayed %u inputs\n", n);
  return n > 0 ? 0 : 1;
}
