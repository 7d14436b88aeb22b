/* test_diag.c - diagnostics list. */
#include "config.h"

#include "diag.h"
#include "tap.h"

int
main(void)
{
	struct diag_list l;
	struct diag *d;

	diag_list_init(&l);
	diag_add(&l, "b.cf", 3, 1, SEV_NOTE, "x", "third");
	diag_add(&l, "a.cf", 9, 2, SEV_ERROR, "y", "second %d", 2);
	d = diag_add(&l, "a.cf", 1, 5, SEV_WARNING, "z", "first");
	ok(d != NULL, "add returns the entry");
	diag_add(&l, "a.cf", 9, 2, SEV_NOTE, "w", "tie keeps order");
	is_int(l.n, 4, "four entries");
	is_int(diag_count(&l, SEV_WARNING), 2, "count at or above warning");
	is_int(diag_count(&l, SEV_ERROR), 1, "count errors");
	diag_sort(&l);
	is_str(l.v[0].msg, "first", "sorted by file then line");
	is_str(l.v[1].msg, "second 2", "tie 1");
	is_str(l.v[2].msg, "tie keeps order", "tie 2");
	is_str(l.v[3].file, "b.cf", "other file last");
	is_str(severity_name(SEV_WARNING), "warning", "severity name");
	diag_list_free(&l);
	is_int(l.n, 0, "freed list is empty");
	return done_testing();
}
