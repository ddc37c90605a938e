package field

import "testing"

func TestRender(t *testing.T) {
	flag := func(n string) string { return "--" + n }
	tests := []struct {
		err        *Error
		plain, cli string
	}{
		{Errorf("fps", "%g: must be more than 0", 0.0), "fps 0: must be more than 0", "--fps 0: must be more than 0"},
		{Errorf("start", "%s is not before {end} %s", "00:00:08", "00:00:04"), "start 00:00:08 is not before end 00:00:04", "--start 00:00:08 is not before --end 00:00:04"},
		{Errorf("max-gap", ": must be 0 or more"), "max-gap: must be 0 or more", "--max-gap: must be 0 or more"},
		{Errorf("mode", "%q: must be summary", "{x}"), `mode "{x}": must be summary`, `--mode "{x}": must be summary`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.plain {
			t.Errorf("Error() = %q, want %q", got, tt.plain)
		}
		if got := tt.err.Render(flag); got != tt.cli {
			t.Errorf("Render = %q, want %q", got, tt.cli)
		}
	}
}
