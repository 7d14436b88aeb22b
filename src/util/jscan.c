/*
 * jscan.c - a one-pass validating JSON scanner (see jscan.h).
 *
 *	value  = object / array / string / number / "true" / "false" / "null"
 *	object = "{" [ member *( "," member ) ] "}"
 *	member = string ":" value
 *	number = [ "-" ] int [ frac ] [ exp ]
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "jscan.h"
#include "utf8.h"

struct scan {
	const char	*s;
	size_t		 len, pos;
	const struct jscan_keys *keys;
	struct jspan	*out;
	int		 depth;
};

/* Bytes a string scan must look at: '"', '\\', controls, non-ASCII. */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

static inline void
ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		sc->pos++;
	}
}

/*
 * plain8 - how many of the 8 bytes at p are plain (not special), found
 * a word at a time: a byte is special when its high bit is set, when it
 * is below 0x20, or when it is '"' or '\\'.
 */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

static inline unsigned
plain8(const char *p)
{
	uint64_t w, q, b, lo;

	memcpy(&w, p, 8);
	q = w ^ (ONES * '"');
	b = w ^ (ONES * '\\');
	lo = (w - ONES * 0x20) | (q - ONES) | (b - ONES);
	/* a high bit in lo & ~w marks a control, '"' or '\\' in a byte
	   below 0x80; w's own high bits mark the rest */
	lo = (lo & ~w & HIGHS) | (w & HIGHS);
	if (lo == 0)
		return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned)__builtin_ctzll(lo) / 8;
#else
	{
		unsigned i;

		for (i = 0; i < 8 && !special[(unsigned char)p[i]]; i++)
			;
		return i;
	}
#endif
}

static bool
hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* string - at '"'; span of the content */
static int
string(struct scan *sc, struct jspan *sp)
{
	const char *s = sc->s;
	size_t i = sc->pos + 1, start = i, n = sc->len;

	for (;;) {
		/* Fast path: plain ASCII, a word at a time. */
		for (;;) {
			unsigned k;

			if (i + 8 > n) {
				while (i < n && !special[(unsigned char)s[i]])
					i++;
				break;
			}
			i += (k = plain8(s + i));
			if (k < 8)
				break;
		}
		if (i >= n)
			return -1;
		if (s[i] == '"')
			break;
		if (s[i] == '\\') {
			if (i + 1 >= n)
				return -1;
			switch (s[i + 1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				i += 2;
				break;
			case 'u':
				if (i + 5 >= n || !hex(s[i + 2]) || !hex(s[i + 3]) ||
				    !hex(s[i + 4]) || !hex(s[i + 5]))
					return -1;
				i += 6;
				break;
			default:
				return -1;
			}
			continue;
		}
		if ((unsigned char)s[i] < 0x20)
			return -1;
		{
			size_t k = utf8_seq((const unsigned char *)s + i, n - i);

			if (k == 0)
				return -1;
			i += k;
		}
	}
	if (sp != NULL) {
		sp->type = JT_STRING;
		sp->p = s + start;
		sp->len = i - start;
	}
	sc->pos = i + 1;
	return 0;
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
number(struct scan *sc, struct jspan *sp)
{
	const char *s = sc->s;
	size_t i = sc->pos, start = i, n = sc->len;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !digit(s[i]))
		return -1;
	if (s[i] == '0')
		i++;
	else
		while (i < n && digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !digit(s[i]))
			return -1;
		while (i < n && digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !digit(s[i]))
			return -1;
		while (i < n && digit(s[i]))
			i++;
	}
	if (sp != NULL) {
		sp->type = JT_NUMBER;
		sp->p = s + start;
		sp->len = i - start;
	}
	sc->pos = i;
	return 0;
}

static int value(struct scan *, struct jspan *, const char *outer, size_t olen);

/* wanted - index of key (with an optional outer key), or -1 */
static int
wanted(const struct scan *sc, const char *outer, size_t olen, const char *k,
    size_t klen)
{
	const struct jscan_keys *ks = sc->keys;
	uint32_t m;
	unsigned i;

	if (klen >= JSCAN_KEY_LENS)
		return -1;
	for (m = ks->bylen[klen]; m != 0; m &= m - 1) {
		i = (unsigned)__builtin_ctz(m);
		if (ks->k[i].name[0] != k[0])
			continue;
		if ((outer == NULL) != (ks->k[i].outer == NULL))
			continue;
		if (outer != NULL && (ks->k[i].olen != olen ||
		    memcmp(ks->k[i].outer, outer, olen) != 0))
			continue;
		if (memcmp(ks->k[i].name, k, klen) == 0)
			return (int)i;
	}
	return -1;
}

/* jscan_keys - split "outer.name" once */
void
jscan_keys(struct jscan_keys *ks, const char *const *keys, unsigned n)
{
	unsigned i;

	ks->n = n > JSCAN_MAX_KEYS ? JSCAN_MAX_KEYS : n;
	for (i = 0; i < ks->n; i++) {
		const char *dot = strchr(keys[i], '.');

		ks->k[i].outer = dot ? keys[i] : NULL;
		ks->k[i].olen = dot ? (size_t)(dot - keys[i]) : 0;
		ks->k[i].name = dot ? dot + 1 : keys[i];
		ks->k[i].nlen = strlen(ks->k[i].name);
	}
	memset(ks->bylen, 0, sizeof ks->bylen);
	for (i = 0; i < ks->n; i++)
		if (ks->k[i].nlen < JSCAN_KEY_LENS)
			ks->bylen[ks->k[i].nlen] |= (uint32_t)1 << i;
}

/* enter - at '{' or '[': 0 when it closes at once, 1 when members
   follow, -1 when nested too deep */
static int
enter(struct scan *sc, char close)
{
	if (++sc->depth > JSCAN_MAX_DEPTH)
		return -1;
	sc->pos++;
	ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		sc->depth--;
		return 0;
	}
	return 1;
}

/* next - after a member: 1 when another follows, 0 at the closing
   character, -1 for anything else */
static int
next(struct scan *sc, char close)
{
	ws(sc);
	if (sc->pos >= sc->len)
		return -1;
	if (sc->s[sc->pos] == ',') {
		sc->pos++;
		ws(sc);
		return 1;
	}
	if (sc->s[sc->pos] == close) {
		sc->pos++;
		sc->depth--;
		return 0;
	}
	return -1;
}

/* object - at '{'; outer is the key naming it (NULL at the top) */
static int
object(struct scan *sc, const char *outer, size_t olen, bool top)
{
	struct jspan key;
	int rc, w;

	if ((rc = enter(sc, '}')) <= 0)
		return rc;
	do {
		if (sc->pos >= sc->len || sc->s[sc->pos] != '"' ||
		    string(sc, &key) < 0)
			return -1;
		ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
			return -1;
		sc->pos++;
		ws(sc);
		/* Only the top level and its direct children are searched. */
		w = top || outer != NULL ? wanted(sc, top ? NULL : outer, olen,
		    key.p, key.len) : -1;
		if (value(sc, w >= 0 ? &sc->out[w] : NULL,
		    top ? key.p : NULL, top ? key.len : 0) < 0)
			return -1;
	} while ((rc = next(sc, '}')) > 0);
	return rc;
}

static int
array(struct scan *sc)
{
	int rc;

	if ((rc = enter(sc, ']')) <= 0)
		return rc;
	do {
		if (value(sc, NULL, NULL, 0) < 0)
			return -1;
	} while ((rc = next(sc, ']')) > 0);
	return rc;
}

static int
literal(struct scan *sc, const char *w, enum jtype t, struct jspan *sp)
{
	size_t n = strlen(w);

	if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, w, n) != 0)
		return -1;
	if (sp != NULL) {
		sp->type = t;
		sp->p = sc->s + sc->pos;
		sp->len = n;
	}
	sc->pos += n;
	return 0;
}

/* value - any value; a nested object named `outer` (at the top level) is
   searched for "outer.key" */
static int
value(struct scan *sc, struct jspan *sp, const char *outer, size_t olen)
{
	size_t start = sc->pos;
	int rc;

	if (sc->pos >= sc->len)
		return -1;
	switch (sc->s[sc->pos]) {
	case '{':
		rc = object(sc, outer, olen, false);
		if (rc == 0 && sp != NULL) {
			sp->type = JT_OBJECT;
			sp->p = sc->s + start;
			sp->len = sc->pos - start;
		}
		return rc;
	case '[':
		rc = array(sc);
		if (rc == 0 && sp != NULL) {
			sp->type = JT_ARRAY;
			sp->p = sc->s + start;
			sp->len = sc->pos - start;
		}
		return rc;
	case '"':
		return string(sc, sp);
	case 't':
		return literal(sc, "true", JT_TRUE, sp);
	case 'f':
		return literal(sc, "false", JT_FALSE, sp);
	case 'n':
		return literal(sc, "null", JT_NULL, sp);
	default:
		return number(sc, sp);
	}
}

/* jscan_object - validate and extract */
int
jscan_object(const char *s, size_t len, const struct jscan_keys *keys,
    struct jspan *out)
{
	struct scan sc = { s, len, 0, keys, out, 0 };
	unsigned i;

	for (i = 0; i < keys->n; i++)
		out[i].type = JT_NONE;
	ws(&sc);
	if (sc.pos >= len || s[sc.pos] != '{' || object(&sc, NULL, 0, true) < 0)
		return -1;
	ws(&sc);
	return sc.pos == len ? 0 : -1;
}

/* jscan_eq - plain comparison */
bool
jscan_eq(const struct jspan *sp, const char *w)
{
	return sp->type == JT_STRING && strlen(w) == sp->len &&
	    memcmp(sp->p, w, sp->len) == 0;
}

static unsigned
hexval(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static size_t
put_utf8(char *buf, size_t o, size_t size, unsigned cp)
{
	char tmp[4];
	size_t n, i;

	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (i = 0; i < n && o + 1 < size; i++)
		buf[o++] = tmp[i];
	return o;
}

/* jscan_unescape - decode a string span */
size_t
jscan_unescape(const struct jspan *sp, char *buf, size_t size)
{
	size_t i, o = 0;

	if (size == 0)
		return 0;
	for (i = 0; i < sp->len && o + 1 < size; i++) {
		char c = sp->p[i];

		if (c != '\\' || i + 1 >= sp->len) {
			buf[o++] = c;
			continue;
		}
		c = sp->p[++i];
		switch (c) {
		case 'n': buf[o++] = '\n'; break;
		case 't': buf[o++] = '\t'; break;
		case 'r': buf[o++] = '\r'; break;
		case 'b': buf[o++] = '\b'; break;
		case 'f': buf[o++] = '\f'; break;
		case 'u':
			if (i + 4 < sp->len) {
				unsigned cp = hexval(sp->p[i + 1]) << 12 |
				    hexval(sp->p[i + 2]) << 8 |
				    hexval(sp->p[i + 3]) << 4 | hexval(sp->p[i + 4]);

				i += 4;
				/* surrogate pair */
				if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < sp->len &&
				    sp->p[i + 1] == '\\' && sp->p[i + 2] == 'u') {
					unsigned lo = hexval(sp->p[i + 3]) << 12 |
					    hexval(sp->p[i + 4]) << 8 |
					    hexval(sp->p[i + 5]) << 4 |
					    hexval(sp->p[i + 6]);

					if (lo >= 0xdc00 && lo < 0xe000) {
						cp = 0x10000 + ((cp - 0xd800) << 10) +
						    (lo - 0xdc00);
						i += 6;
					}
				}
				o = put_utf8(buf, o, size, cp);
			}
			break;
		default:
			buf[o++] = c;
		}
	}
	buf[o] = '\0';
	return o;
}
