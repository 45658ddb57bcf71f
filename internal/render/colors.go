package render

// The coverage classes and palette are the web map's (web/src/colors.js):
// a colour means the same thing in the browser, in the SVG and on paper.
//
// Coverage = pilot comparable units / comparable units of a province.
// Class -1: outside the program (台湾, 香港, 澳门); 0: no pilot (云南, drawn
// white with a grey hatch); 1..5: [0, 10 %), [10, 20 %), [20, 30 %),
// [30, 40 %), ≥ 40 %, a sequential blue ramp (ColorBrewer Blues), safe for
// the common colour-vision deficiencies and distinct from the orange of the
// pilot units.

// CoverageBreaks are the upper bounds (exclusive) of the non-zero classes
// 1..4; class 5 is open.
func CoverageBreaks() []float64 { return []float64{0.1, 0.2, 0.3, 0.4} }

// CoverageColors are the fills of the classes 1..5, light to dark.
func CoverageColors() []string {
	return []string{"#deebf7", "#b5d3ea", "#82badb", "#4d94c6", "#2468a8"}
}

// The rest of the palette (web/src/colors.js PALETTE).
const (
	colorPilot         = "#e8710a" // pilot units
	colorPilotLine     = "#ffffff"
	colorNewLine       = "#5a2300" // outline of a pilot unit new in the selected batches (web/src/newunits.js NEW_LINE)
	colorNewStripe     = "#ffffff" // its stripes over the pilot orange
	colorZero          = "#ffffff" // a mainland province without pilot
	colorZeroHatch     = "#b0b7bf"
	colorOutside       = "#d4d4d4" // 台湾, 香港, 澳门
	colorOutsideLine   = "#a3a3a3"
	colorProvinceLine  = "#7b8794"
	colorUnitLine      = "#ffffff"
	colorFullPromotion = "#1d2433" // outline of the full-promotion provinces
	colorText          = "#1d2433"
	colorTextMuted     = "#5b6574"
	colorUnitFill      = "#ffffff" // province view: a unit without pilot
	colorCoveredFill   = "#f7c594" // province view: holds a pilot below it
	colorNeighbour     = "#e4e7eb" // province view: the provinces around
	colorGapsBase      = "#ffffff" // gaps view: land that is neither a gap nor a pilot (as the web map's GAP_BASE)
	colorIsland        = "#4a5563" // the South China Sea islands
	colorNanhaiLine    = "#7a4a8c" // the South China Sea line (the national border's colour on Chinese maps)
)

// CoverageClass returns the class of a coverage ratio: -1 outside the
// program, 0 for no coverage (also NaN or negative), 1..5 otherwise.
func CoverageClass(coverage float64, inProgram bool) int {
	if !inProgram {
		return -1
	}
	if !(coverage > 0) {
		return 0
	}
	c := 1
	for _, b := range CoverageBreaks() {
		if coverage < b {
			return c
		}
		c++
	}
	return c
}

// CoverageColor returns the fill of a class; class 0's hatch is drawn on
// top of it by the SVG.
func CoverageColor(class int) string {
	switch {
	case class < 0:
		return colorOutside
	case class == 0:
		return colorZero
	}
	cs := CoverageColors()
	return cs[min(class, len(cs))-1]
}

// gapColors is the ramp of the gaps view, near to far: a sequential
// purple ramp (ColorBrewer Purples), colour-blind safe and distinct from
// the orange of the pilot units, so the farther from a pilot, the darker.
func gapColors() []string {
	return []string{"#d5d1ea", "#b3aed6", "#8f87c0", "#6a5aa8", "#4a1f86"}
}

// gapBreaks are the upper bounds (km, exclusive) of the gap classes 1..3;
// class 0 is a distance of 0 (the unit borders a pilot unit), class 4 is
// open. With the default data 244 of the 340 measured units border a
// pilot, the farthest lies 391 km away.
func gapBreaks() []float64 { return []float64{50, 100, 200} }

// gapClass returns the class (0..4) of a distance in km.
func gapClass(km float64) int {
	if km <= 0 {
		return 0
	}
	for i, b := range gapBreaks() {
		if km < b {
			return i + 1
		}
	}
	return len(gapBreaks()) + 1
}
