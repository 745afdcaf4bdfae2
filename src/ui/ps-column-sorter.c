/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-column-sorter.h"

struct _PsColumnSorter
{
  GtkSorter parent_instance;

  PsColumn column;
};

G_DEFINE_FINAL_TYPE (PsColumnSorter, ps_column_sorter, GTK_TYPE_SORTER)

/* ps_column_sorter_get_primary(): two objects to compare, and the first of
 * our sorters asked about them.  Main thread only, like every GtkSorter. */
static struct
{
  gpointer a;
  gpointer b;
  PsColumnSorter *first;
} probe;

static GtkOrdering
ps_column_sorter_compare (GtkSorter *sorter,
                          gpointer   item1,
                          gpointer   item2)
{
  PsColumnSorter *self = PS_COLUMN_SORTER (sorter);

  if (G_UNLIKELY (probe.a != NULL && (item1 == probe.a || item1 == probe.b)))
    {
      if (probe.first == NULL)
        probe.first = self;
      return item1 == probe.a ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
    }
  return (GtkOrdering) ps_socket_item_compare (item1, item2, self->column);
}

static GtkSorterOrder
ps_column_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
ps_column_sorter_class_init (PsColumnSorterClass *klass)
{
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  sorter_class->compare = ps_column_sorter_compare;
  sorter_class->get_order = ps_column_sorter_get_order;
}

static void
ps_column_sorter_init (PsColumnSorter *self)
{
}

GtkSorter *
ps_column_sorter_new (PsColumn column)
{
  PsColumnSorter *self;

  g_return_val_if_fail (column < PS_N_COLUMNS, NULL);

  self = g_object_new (PS_TYPE_COLUMN_SORTER, NULL);
  self->column = column;
  return GTK_SORTER (self);
}

PsColumn
ps_column_sorter_get_column (PsColumnSorter *self)
{
  g_return_val_if_fail (PS_IS_COLUMN_SORTER (self), PS_COLUMN_PORT);

  return self->column;
}

gboolean
ps_column_sorter_get_primary (GtkSorter   *sorter,
                              PsColumn    *column,
                              GtkSortType *order)
{
  g_autoptr(GObject) a = NULL;
  g_autoptr(GObject) b = NULL;
  GtkOrdering result;
  gboolean found;

  g_return_val_if_fail (GTK_IS_SORTER (sorter), FALSE);
  g_return_val_if_fail (column != NULL && order != NULL, FALSE);
  g_return_val_if_fail (probe.a == NULL, FALSE);

  a = g_object_new (G_TYPE_OBJECT, NULL);
  b = g_object_new (G_TYPE_OBJECT, NULL);
  probe.a = a;
  probe.b = b;
  probe.first = NULL;
  result = gtk_sorter_compare (sorter, a, b);
  found = probe.first != NULL && result != GTK_ORDERING_EQUAL;
  if (found)
    {
      *column = probe.first->column;
      *order = result == GTK_ORDERING_SMALLER ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING;
    }
  probe.a = probe.b = NULL;
  probe.first = NULL;
  return found;
}
