// Package field lets a library say which of its options is wrong without
// knowing how a front end names it: the CLI renders "start" as "--start",
// another front end as a form field. Libraries return *Error for a bad
// option; only the front end words it.
//
// It imports nothing of vidskim's.
package field
