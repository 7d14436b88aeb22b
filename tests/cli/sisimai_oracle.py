#!/usr/bin/env python3
"""sisimai_oracle.py - esc dsn's reasons against Sisimai's.

  sisimai_oracle.py esc ESC FILE...
      one line per recipient esc dsn finds: file, index (from 1, in the
      order of the DSN), recipient, reason, reason_detail, status,
      diagnostic
  sisimai_oracle.py disagree ESC.tsv SISIMAI.tsv
      every recipient both found where the reasons differ, with both
      answers: file, recipient, status, esc, sisimai
  sisimai_oracle.py expect ESC.tsv EXPECT.tsv
      agreement with the newest Sisimai's own expectations (file, index,
      reason): "N of M" and the disagreements
"""
import json
import subprocess
import sys

# Names of Sisimai 5 that the vocabulary (Sisimai 4's) splits or calls
# otherwise: either of ours is the same answer.
SAME = {
    'emailtoolarge': {'mesgtoobig', 'exceedlimit'},
    'ratelimited': {'speeding', 'toomanyconn'},
}


def one_line(s):
    return ' '.join((s or '').split())[:200]


def esc(prog, files):
    for f in files:
        p = subprocess.run([prog, 'dsn', '--format', 'json', f],
                           capture_output=True, text=True, errors='replace')
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            continue
        base = f.rsplit('/', 1)[-1]
        i = 0
        for fl in doc.get('files', []):
            for r in fl.get('recipients', []):
                i += 1
                print('\t'.join([base, str(i), (r.get('recipient') or '').lower(),
                                 r.get('reason') or '', r.get('reason_detail') or '',
                                 r.get('status') or '', one_line(r.get('diagnostic'))]))


def read(path, n):
    rows = []
    with open(path, encoding='utf-8', errors='replace') as fh:
        for line in fh:
            if line.startswith('#') or not line.strip():
                continue
            f = line.rstrip('\n').split('\t')
            rows.append(f + [''] * (n - len(f)))
    return rows


def same(ours, theirs):
    return ours == theirs or ours in SAME.get(theirs, ())


def disagree(esc_tsv, sis_tsv):
    sis = {}
    for f, rcpt, status, code, reason, diag in (r[:6] for r in read(sis_tsv, 6)):
        sis.setdefault((f, rcpt), reason)
    both = n = 0
    out = []
    for f, i, rcpt, reason, detail, status, diag in (r[:7] for r in read(esc_tsv, 7)):
        if (f, rcpt) not in sis:
            continue
        both += 1
        if not same(reason, sis[(f, rcpt)]):
            n += 1
            out.append('\t'.join([f, rcpt, status, reason, sis[(f, rcpt)]]))
    print('# file\trecipient\tstatus\tesc\tsisimai')
    for line in sorted(set(out)):
        print(line)
    print('# %d recipients found by both, %d disagree' % (both, n), file=sys.stderr)


def expect(esc_tsv, exp_tsv):
    exp = {(f, i): r for f, i, r in (x[:3] for x in read(exp_tsv, 3))}
    n = agree = 0
    for f, i, rcpt, reason, detail, status, diag in (r[:7] for r in read(esc_tsv, 7)):
        if (f, i) not in exp:
            continue
        n += 1
        if same(reason, exp[(f, i)]):
            agree += 1
        else:
            print('# %s #%s: esc %s, expected %s (%s; %s)' % (
                f, i, reason, exp[(f, i)], status, diag[:100]))
    print('%d of %d' % (agree, n))


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'esc':
        esc(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == 'disagree':
        disagree(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == 'expect':
        expect(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
