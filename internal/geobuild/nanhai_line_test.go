package geobuild

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// nanhaiJS is a made-up file in the form of echarts 4.9.0's
// lib/coord/geo/fix/nanhai.js (its numbers are not the real ones): a coast,
// an island, nine dashes round a U and the frame.
const nanhaiJS = `// A made-up file in the form of echarts 4.9.0 lib/coord/geo/fix/nanhai.js
var geoCoord = [126, 25];
var points = [[[0, 2], [8, 10], [20, 9], [40, 1], [50, 1], [55, 6], [60, 1], [64, 1], [64, 0], [30, 0], [5, 0], [0, 2]], [[12, 15], [18, 15], [18, 21], [12, 21], [12, 15]], [[9, 27], [11, 27], [11, 33], [9, 33], [9, 27]], [[11, 45], [13, 45], [13, 51], [11, 51], [11, 45]], [[8, 63], [10, 63], [10, 69], [8, 69], [8, 63]], [[27, 77], [29, 77], [29, 83], [27, 83], [27, 77]], [[41, 63], [43, 63], [43, 69], [41, 69], [41, 63]], [[49, 45], [51, 45], [51, 51], [49, 51], [49, 45]], [[51, 29], [53, 29], [53, 35], [51, 35], [51, 29]], [[53, 17], [55, 17], [55, 23], [53, 23], [53, 17]], [[59, 7], [61, 7], [61, 13], [59, 13], [59, 7]], [[0, 2], [0, 90], [64, 90], [64, 0], [63, 0], [63, 89], [1, 89], [1, 2], [0, 2]]];

for (var i = 0; i < points.length; i++) {
  for (var k = 0; k < points[i].length; k++) {
    points[i][k][0] /= 10.5;
    points[i][k][1] /= -10.5 / 0.75;
`

func TestNanhaiLine(t *testing.T) {
	hainan := orb.Point{109.83, 19.2}
	line, err := NanhaiLine([]byte(nanhaiJS), hainan, 3.85)
	if err != nil {
		t.Fatal(err)
	}
	if len(line) != 9 {
		t.Fatalf("%d dashes, want 9", len(line))
	}
	// The southernmost dash's middle lies southMargin south of the islands.
	s := line[3]
	if mid := (s[0][1] + s[1][1]) / 2; mid < 3.85-southMargin-1e-6 || mid > 3.85-southMargin+1e-6 {
		t.Errorf("south dash %v: middle at %.4f°N, want %.2f", s, mid, 3.85-southMargin)
	}
	// The island's middle (15, 18) lands on hainan; the first dash
	// (x 10, y 27..33) west and south of it, at equal ground scale.
	deg := (19.2 - (3.85 - southMargin)) / (80 - 18)
	cos := math.Cos((19.2 + 3.85 - southMargin) / 2 * math.Pi / 180)
	first := line[0]
	want := orb.LineString{{109.83 + (10-15)*deg/cos, 19.2 - (27-18)*deg}, {109.83 + (10-15)*deg/cos, 19.2 - (33-18)*deg}}
	for i := range want {
		if math.Abs(first[i][0]-want[i][0]) > 1e-5 || math.Abs(first[i][1]-want[i][1]) > 1e-5 {
			t.Errorf("first dash %v, want %v", first, want)
		}
	}
	for _, bad := range []string{
		strings.Replace(nanhaiJS, "[126, 25]", "[125, 25]", 1),
		strings.Replace(nanhaiJS, "/= 10.5", "/= 10", 1),
		nanhaiJS[:len(nanhaiJS)-60],
	} {
		if _, err := NanhaiLine([]byte(bad), hainan, 3.85); err == nil {
			t.Error("a changed file should be refused")
		}
	}
	if js, err := os.ReadFile("/dev/null"); err == nil {
		if _, err := NanhaiLine(js, hainan, 3.85); err == nil {
			t.Error("an empty file should be refused")
		}
	}
}
