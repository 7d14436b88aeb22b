/*
 * registry_csv.c - IANA's CSV export of the enumerated codes
 * (smtp-enhanced-status-codes-3.csv) into a registry (see registry.h).
 * Real files are messy; every bad row is reported and skipped.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "csv.h"
#include "registry_int.h"
#include "strutil.h"

/* column - index of a header column by name, -1 if absent */
static int
column(const struct csv_record *hdr, const char *name)
{
	unsigned i;

	for (i = 0; i < hdr->nfields; i++) {
		const char *f = hdr->field[i];
		size_t len = strlen(f);

		/* A UTF-8 byte order mark may precede the first name. */
		if (i == 0 && len >= 3 && memcmp(f, "\xef\xbb\xbf", 3) == 0) {
			f += 3;
			len -= 3;
		}
		str_span_trim(&f, &len);
		if (str_caseeqn(f, len, name))
			return (int)i;
	}
	return -1;
}

static const char *
field(const struct csv_record *rec, int col)
{
	return col >= 0 && (unsigned)col < rec->nfields ? rec->field[col] : "";
}

/* registry_parse_csv - IANA CSV from a buffer */
struct registry *
registry_parse_csv(const char *buf, size_t len, const char *name,
    struct diag_list *diags, struct esc_err *err)
{
	struct csv_reader rd;
	struct csv_record rec = {0}, hdr = {0};
	struct registry *r;
	int c_code, c_sample, c_basic, c_ref, c_desc, rc;
	unsigned nheader;

	if ((r = registry_alloc(name)) == NULL) {
		err_set(err, name, 0, "out of memory");
		return NULL;
	}
	csv_init(&rd, buf, len, name);
	if ((rc = csv_next(&rd, &hdr, err)) <= 0) {
		if (rc == 0)
			err_set(err, name, 0, "the file is empty");
		goto fail;
	}
	c_code = column(&hdr, "Code");
	c_sample = column(&hdr, "Sample Text");
	c_basic = column(&hdr, "Associated basic status code");
	c_ref = column(&hdr, "Reference");
	c_desc = column(&hdr, "Description");
	nheader = hdr.nfields;
	csv_record_free(&hdr);
	if (c_code < 0 || c_sample < 0) {
		err_set(err, name, rd.line > 1 ? 1 : 0,
		    "not an IANA enhanced status code CSV: the first line must "
		    "name the columns Code and Sample Text (export "
		    "smtp-enhanced-status-codes-3.csv from iana.org)");
		goto fail;
	}
	for (;;) {
		struct esc_err rerr;

		err_clear(&rerr);
		rc = csv_next(&rd, &rec, &rerr);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (diags != NULL)
				diag_add(diags, name, rerr.line, 0, SEV_WARNING,
				    "registry-row", "%s; the rest of the file "
				    "is ignored", rerr.text);
			break;
		}
		if (rec.nfields != nheader && diags != NULL)
			diag_add(diags, name, rec.line, 0, SEV_WARNING,
			    "registry-row", "row has %u fields, the header %u",
			    rec.nfields, nheader);
		if (registry_add(r, field(&rec, c_code), field(&rec, c_sample),
		    field(&rec, c_basic), field(&rec, c_ref), true,
		    field(&rec, c_desc), rec.line, diags) < 0) {
			err_set(err, name, rec.line, "out of memory");
			goto fail;
		}
	}
	csv_record_free(&rec);
	if (r->nentry == 0) {
		err_set(err, name, 0, "no enhanced status codes found");
		goto fail;
	}
	if (registry_finish(r) < 0) {
		err_set(err, name, 0, "out of memory");
		goto fail;
	}
	return r;
fail:
	csv_record_free(&rec);
	csv_record_free(&hdr);
	registry_free(r);
	return NULL;
}

/* registry_load_csv - IANA CSV from a file; date = modification date */
struct registry *
registry_load_csv(const char *path, struct diag_list *diags, struct esc_err *err)
{
	struct registry *r;
	struct stat st;
	struct tm tm;
	char *buf;
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL) {
		err_set(err, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 16 * 1024 * 1024) {
		err_set(err, path, 0, "not a regular file of at most 16 MB");
		fclose(fp);
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		err_set(err, path, 0, "out of memory");
		fclose(fp);
		return NULL;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	fclose(fp);
	r = registry_parse_csv(buf, n, path, diags, err);
	free(buf);
	if (r != NULL && gmtime_r(&st.st_mtime, &tm) != NULL)
		strftime(r->date, sizeof r->date, "%Y-%m-%d", &tm);
	return r;
}

