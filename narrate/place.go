package narrate

import "math"

// placing is where a clip goes: its start in seconds and the tempo it is
// played at; dropped when it fits nowhere before the end.
type placing struct {
	start, tempo float64
	dropped      bool
}

// place lays clips of the given lengths (seconds at tempo 1; 0 for a
// silent line) out in time: each starts at its time at, or as soon after
// as the line before has ended plus Gap; one longer than the room before
// the next line's time (less Gap) or the end is sped up, at most
// MaxTempo; what is still too long pushes the next line later. A clip
// that cannot end before end even so is dropped. No two placed clips
// overlap, and every one ends by end.
func place(at, length []float64, end float64) []placing {
	out := make([]placing, len(at))
	cursor := math.Inf(-1)
	for i := range at {
		if length[i] <= 0 {
			out[i] = placing{start: at[i], tempo: 1, dropped: true}
			continue
		}
		start := max(at[i], cursor+Gap)
		limit := end
		for j := i + 1; j < len(at); j++ {
			if length[j] > 0 {
				limit = min(end, at[j]-Gap)
				break
			}
		}
		tempo := 1.0
		if room := limit - start; length[i] > room {
			tempo = MaxTempo
			if room > 0 {
				tempo = min(MaxTempo, length[i]/room)
			}
		}
		if start+length[i]/tempo > end+1e-9 {
			out[i] = placing{start: at[i], tempo: 1, dropped: true}
			continue
		}
		out[i] = placing{start: start, tempo: tempo}
		cursor = start + length[i]/tempo
	}
	return out
}
