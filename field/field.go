package field

import (
	"fmt"
	"regexp"
)

// Error is an option that cannot work.
type Error struct {
	// Name is the option at fault, as the library calls it ("start").
	Name string
	// msg follows the option's name, with each option it refers to marked
	// (see Errorf).
	msg string
}

// Errorf makes an *Error for option name. The message follows the name:
// `%g: must be 0 or more`. Another option the format refers to is written
// {name}: `%s is not before {end} %s`. Only the format is read for such
// references, so a value in args is shown as given, braces and all.
func Errorf(name, format string, args ...any) *Error {
	return &Error{Name: name, msg: fmt.Sprintf(ref.ReplaceAllString(format, "\x00$1\x00"), args...)}
}

// Error names options as the library does.
func (e *Error) Error() string { return e.Render(func(n string) string { return n }) }

var (
	ref    = regexp.MustCompile(`\{([a-z][a-z0-9-]*)\}`)
	marked = regexp.MustCompile("\x00([a-z][a-z0-9-]*)\x00")
)

// Render words the error with each option named by name.
func (e *Error) Render(name func(string) string) string {
	msg := marked.ReplaceAllStringFunc(e.msg, func(m string) string { return name(m[1 : len(m)-1]) })
	sep := " "
	if len(msg) > 0 && msg[0] == ':' {
		sep = ""
	}
	return name(e.Name) + sep + msg
}
