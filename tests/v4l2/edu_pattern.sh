# shellcheck shell=sh
# The frame pattern both edu samples promise on their capture stream, as a
# check for guest scenarios (copied to /lib by scripts/run-vm.sh with
# V4L2=1). Frame k (picture number k): with j = i % 4096, byte i is the
# picture number's byte j (little endian) for j < 8, else
# (k * 31 + j * 7 + j / 256) % 256.

# pattern FILE SIZE N: FILE holds N frames of SIZE bytes, pictures 0 to
# N-1. Prints "V of N frames verified, B bytes checked" (and the first
# mismatches); true when all N are.
pattern() {
	got=$(wc -c <"$1")
	test "$got" -eq $(($2 * $3)) || { echo "$got bytes, $3 frames of $2 expected"; return 1; }
	od -An -v -tu1 "$1" | awk -v size="$2" -v n="$3" '
	{
		for (f = 1; f <= NF; f++) {
			k = int(idx / size); j = (idx % size) % 4096
			if (j >= 8) want = (k * 31 + j * 7 + int(j / 256)) % 256
			else if (j == 0) want = k % 256
			else if (j == 1) want = int(k / 256) % 256
			else want = 0
			if ($f != want) {
				if (!(k in bad) && ++shown <= 5)
					printf "frame %d byte %d: %d, %d expected\n", k, idx % size, $f, want
				bad[k] = 1
			}
			idx++
		}
	}
	END {
		nbad = 0
		for (k in bad) nbad++
		printf "%d of %d frames verified, %d bytes checked\n", n - nbad, n, idx
		exit nbad > 0
	}'
}
