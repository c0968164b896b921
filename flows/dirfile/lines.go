package dirfile

import "strings"

// The TOML library tells where a syntax error is, but not on which line a
// key of the third [[centre]] sits. lineIndex finds that out with a small
// scan of the text, so that every problem can name its line. It only has to
// be right for files the parser has already accepted, and it never fails: a
// key it cannot place is reported without a line.

// block is one table of the file: the line of its header and the line of
// each key in it (dotted keys such as "hours.mon" joined with dots).
type block struct {
	line int
	keys map[string]int
}

// centreBlock is one [[centre]] with its [centre.hours] and its
// [[centre.closure]] tables.
type centreBlock struct {
	block
	closures []block
}

// lineIndex places the tables and keys of a file.
type lineIndex struct {
	top      block
	networks []block
	centres  []centreBlock
}

func newBlock(line int) block { return block{line: line, keys: map[string]int{}} }

// lookup returns the line of key in b, or of its closest enclosing key
// (an inline table), or the header line of b.
func (b *block) lookup(key string) int {
	if b == nil {
		return 0
	}
	for key != "" {
		if l, ok := b.keys[key]; ok {
			return l
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return b.line
}

func (x *lineIndex) network(i int) *block {
	if i < 0 || i >= len(x.networks) {
		return nil
	}
	return &x.networks[i]
}

func (x *lineIndex) centre(i int) *centreBlock {
	if i < 0 || i >= len(x.centres) {
		return nil
	}
	return &x.centres[i]
}

func (x *lineIndex) closure(i, j int) *block {
	c := x.centre(i)
	if c == nil || j < 0 || j >= len(c.closures) {
		return nil
	}
	return &c.closures[j]
}

// scanner state carried from one line to the next: an open multi-line
// string (triple-quoted) and the depth of open [ and { of a value.
type scanState struct {
	multi string // closing delimiter of an open multi-line string, or ""
	depth int
}

// indexLines builds the line index of src.
func indexLines(src string) *lineIndex {
	x := &lineIndex{top: newBlock(0)}
	cur := &x.top // where keys go
	prefix := ""  // prefix of keys in cur, for sub-tables such as [centre.hours]
	var st scanState
	for n, line := range strings.Split(src, "\n") {
		lineNo := n + 1
		if st.multi != "" || st.depth > 0 {
			st.scan(line)
			continue
		}
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '[' {
			array := strings.HasPrefix(t, "[[")
			name := t[1:]
			if array {
				name = name[1:]
			}
			end := strings.IndexByte(name, ']')
			if end < 0 {
				end = len(name)
			}
			name = normKey(name[:end])
			cur, prefix = nil, ""
			switch {
			case array && name == "network":
				x.networks = append(x.networks, newBlock(lineNo))
				cur = &x.networks[len(x.networks)-1]
			case array && name == "centre":
				x.centres = append(x.centres, centreBlock{block: newBlock(lineNo)})
				cur = &x.centres[len(x.centres)-1].block
			case len(x.centres) > 0 && array && name == "centre.closure":
				c := &x.centres[len(x.centres)-1]
				c.closures = append(c.closures, newBlock(lineNo))
				cur = &c.closures[len(c.closures)-1]
			case len(x.centres) > 0 && strings.HasPrefix(name, "centre."):
				// [centre.hours] and any other sub-table of the centre.
				cur = &x.centres[len(x.centres)-1].block
				prefix = strings.TrimPrefix(name, "centre.")
				if _, ok := cur.keys[prefix]; !ok {
					cur.keys[prefix] = lineNo
				}
			default:
				// Another table: its keys are placed at the top level under
				// its name, so that an unknown table is still found.
				cur, prefix = &x.top, name
				if _, ok := cur.keys[prefix]; !ok {
					cur.keys[prefix] = lineNo
				}
			}
			continue
		}
		eq := keyEnd(t)
		if eq < 0 {
			continue
		}
		key := normKey(t[:eq])
		if prefix != "" {
			key = prefix + "." + key
		}
		if cur != nil {
			if _, ok := cur.keys[key]; !ok {
				cur.keys[key] = lineNo
			}
		}
		st.scan(t[eq+1:])
	}
	return x
}

// keyEnd returns the index of the = that ends the key of a key = value
// line, skipping quoted parts of the key, or -1.
func keyEnd(t string) int {
	var quote byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// normKey turns ` "hours" . mon ` into "hours.mon".
func normKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// scan follows one line of a value, updating the state.
func (st *scanState) scan(s string) {
	for i := 0; i < len(s); i++ {
		if st.multi != "" {
			if st.multi == `"""` && s[i] == '\\' {
				i++
				continue
			}
			if strings.HasPrefix(s[i:], st.multi) {
				i += len(st.multi) - 1
				// A closing delimiter may be followed by up to two more
				// quotes that belong to the string.
				for i+1 < len(s) && s[i+1] == st.multi[0] {
					i++
				}
				st.multi = ""
			}
			continue
		}
		switch c := s[i]; c {
		case '#':
			return
		case '"', '\'':
			triple := strings.Repeat(string(c), 3)
			if strings.HasPrefix(s[i:], triple) {
				st.multi = triple
				i += 2
				continue
			}
			// A single-line string ends on this line.
			for i++; i < len(s); i++ {
				if c == '"' && s[i] == '\\' {
					i++
				} else if s[i] == c {
					break
				}
			}
		case '[', '{':
			st.depth++
		case ']', '}':
			if st.depth > 0 {
				st.depth--
			}
		}
	}
}
