#!/usr/bin/perl
# sisimai.pl - Sisimai (Debian's libsisimai-perl) on bounce files: one line
# per recipient it finds, TAB-separated:
#
#	file  recipient  status  replycode  reason  diagnostic (one line)
#
# the oracle that tests/cli/t-reasons.sh compares esc dsn with.
use strict;
use warnings;
use Sisimai;

for my $f (@ARGV) {
	my $v = Sisimai->make($f, 'delivered' => 1) || [];
	(my $b = $f) =~ s{.*/}{};
	for my $e (@$v) {
		my $d = $e->damn;
		my $diag = $d->{'diagnosticcode'} // '';
		$diag =~ s/[\t\r\n]+/ /g;
		printf "%s\t%s\t%s\t%s\t%s\t%s\n", $b, lc($d->{'recipient'} // ''),
		    $d->{'deliverystatus'} // '', $d->{'replycode'} // '',
		    $d->{'reason'} // '', substr($diag, 0, 200);
	}
}
