package directory

import (
	"errors"
	"fmt"
	"strings"
)

// Problem is one mistake in a directory: where it is and what is wrong, as
// a message id with its data, so that a volunteer reads it in her
// language with the line of the file to fix. New, the directory
// file and the import through the bot report problems; errors.Join
// gathers them and Problems takes them apart.
type Problem struct {
	// Line is the line of the file, 0 when it is not known or there is
	// no file.
	Line int
	// Kind is "network" or "centre", "" for the file as a whole; Index is
	// the position of that network or centre (from 0) and Entry its id,
	// "" when it has none.
	Kind  string
	Index int
	Entry string
	// Field is the key of the file the problem is about ("phones",
	// "hours.mon", "closure 2: from"), "" for the whole entry; Value the
	// value as written, when the problem is about it.
	Field string
	Value string
	// Why says what is wrong.
	Why Message
}

// Error is the problem in short, for logs and tests: where, then the
// message id and its data. People read Problem.Texts in their language.
func (p *Problem) Error() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if w := p.where(); w != "" {
		b.WriteString(w + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		if p.Value != "" {
			fmt.Fprintf(&b, " %q", p.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Why.ID)
	if len(p.Why.Data) > 0 {
		fmt.Fprintf(&b, " %v", p.Why.Data)
	}
	return b.String()
}

// where names the entry: `centre "arca-crema"`, or `centre #3` without id.
func (p *Problem) where() string {
	switch {
	case p.Kind == "":
		return ""
	case p.Entry != "":
		return fmt.Sprintf("%s %q", p.Kind, p.Entry)
	}
	return fmt.Sprintf("%s #%d", p.Kind, p.Index+1)
}

// Problems takes apart an error of New, of the directory file or
// of an import into its problems; an error that is not a Problem (the file
// could not be read) becomes one that says so.
func Problems(err error) []*Problem {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]*Problem, 0, len(errs))
	for _, e := range errs {
		var p *Problem
		if errors.As(e, &p) {
			out = append(out, p)
			continue
		}
		out = append(out, &Problem{Why: Msg("dir.unreadable", "Detail", e.Error())})
	}
	return out
}
