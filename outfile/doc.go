// Package outfile writes files atomically: a temporary file in the same
// directory, then a rename, so a reader or a killed process never sees half
// a file. Every writer in vidskim calls it (outputs and the answer cache).
package outfile
