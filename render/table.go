package render

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/vidskim/vidskim/textsafe"
)

// Table is a listing as text: a header (none when empty) and rows, in
// aligned columns. Its JSON form is the caller's own structured rows.
type Table struct {
	Header []string
	Rows   [][]string
}

func tableText(b *strings.Builder, t Table) {
	tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	for i, r := range append([][]string{t.Header}, t.Rows...) {
		if i == 0 && len(r) == 0 {
			continue
		}
		cells := make([]string, len(r))
		for j, c := range r {
			cells[j] = strings.ReplaceAll(textsafe.Line(c), "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}
