package flows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// switchRoutes name the functions whose switch statements on the verb of a
// button ("verb") or on a command ("in.Command") route what people do,
// with the prefix the matrix writes their cases with.
var switchRoutes = map[string]string{
	"staffAction":   "st.", // staff buttons, commands and typed edits
	"routeCallback": "cb:", // her callback request
	"route":         "/",   // the woman's commands
	"routeButton":   "",    // the woman's buttons
}

// listRoutes name the variables and constants that list verbs, with the
// prefix the matrix writes them with. Lists of commands are found by how
// they are used: slices.Contains(list, in.Command) or list[in.Command].
var listRoutes = map[string]string{
	"opVerbs":      "op:",
	"invitePrefix": "/start ",
}

// routedActions reads the source of package flows for every command and
// button verb it routes, so that an action added to the code and not to
// the matrix fails the test.
func routedActions(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	lists := maps.Clone(listRoutes)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if name, ok := commandList(n); ok {
				lists[name] = "/"
			}
			return true
		})
	}
	found := map[string]bool{}
	var out []string
	add := func(prefix, s string) {
		if a := strings.TrimSuffix(prefix+s, ":"); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				prefix, ok := switchRoutes[n.Name.Name]
				if !ok {
					return true
				}
				found[n.Name.Name] = true
				ast.Inspect(n.Body, func(m ast.Node) bool {
					sw, ok := m.(*ast.SwitchStmt)
					if !ok || !isRouteTag(sw.Tag) {
						return true
					}
					for _, clause := range sw.Body.List {
						for _, e := range clause.(*ast.CaseClause).List {
							if s, ok := stringLit(e); ok {
								add(prefix, s)
							}
						}
					}
					return true
				})
			case *ast.ValueSpec:
				for i, id := range n.Names {
					prefix, ok := lists[id.Name]
					if !ok || i >= len(n.Values) {
						continue
					}
					found[id.Name] = true
					ast.Inspect(n.Values[i], func(m ast.Node) bool {
						if kv, ok := m.(*ast.KeyValueExpr); ok {
							if s, ok := stringLit(kv.Key); ok {
								add(prefix, s)
							}
							return false
						}
						if s, ok := stringLit(m); ok {
							add(prefix, s)
						}
						return true
					})
				}
			}
			return true
		})
	}
	for _, name := range append(slices.Collect(maps.Keys(switchRoutes)), slices.Collect(maps.Keys(listRoutes))...) {
		if !found[name] {
			t.Errorf("%s, which routes or lists actions, is gone: tell this test where they are now", name)
		}
	}
	return out
}

// commandList names the list of commands n looks a command up in:
// slices.Contains(list, in.Command) or list[in.Command].
func commandList(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.CallExpr:
		fn, ok := n.Fun.(*ast.SelectorExpr)
		if !ok || fn.Sel.Name != "Contains" || len(n.Args) != 2 || !isCommand(n.Args[1]) {
			return "", false
		}
		if list, ok := n.Args[0].(*ast.Ident); ok {
			return list.Name, true
		}
	case *ast.IndexExpr:
		list, ok := n.X.(*ast.Ident)
		if !ok || !isCommand(n.Index) {
			return "", false
		}
		return list.Name, true
	}
	return "", false
}

// isCommand says whether e is in.Command.
func isCommand(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "in" && sel.Sel.Name == "Command"
}

// isRouteTag says whether a switch decides on a button's verb or a command.
func isRouteTag(e ast.Expr) bool {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name == "verb"
	}
	return isCommand(e)
}

func stringLit(n ast.Node) (string, bool) {
	lit, ok := n.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// checkCoverage fails for an action the code routes that neither the
// matrix nor the lists of public actions and draft steps hold, and for one
// they hold that the code no longer routes.
func checkCoverage(t *testing.T) {
	routed := routedActions(t)
	known := map[string]string{}
	for _, c := range matrixColumns {
		for _, v := range c.verbs {
			known[v] = "column " + c.code
		}
	}
	for _, v := range ownDraftSteps {
		known[v] = "ownDraftSteps"
	}
	for _, v := range publicActions {
		known[v] = "publicActions"
	}
	for _, a := range routed {
		if _, ok := known[a]; !ok {
			t.Errorf("the code routes %q, which the authorization matrix does not try: add a column for it (authz_columns_test.go), or to publicActions if anyone may do it to her own conversation alike", a)
		}
	}
	for v, where := range known {
		if !slices.Contains(routed, v) {
			t.Errorf("%s names %q, which the code no longer routes", where, v)
		}
	}
}
