// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi
// engine, built by scripts/toolchain.sh.
//
// Why it exists: Pulumi's own host lives in the Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which has no
// tags and which the module proxy reachable from our machines refuses (403 for
// every version and for its version list). This host is compiled against
// github.com/pulumi/pulumi/sdk/v3 at the CLI's version, so it speaks exactly the
// CLI's protocol, and it runs programs the way the upstream host does: through
// the `cmd/run` (programs), `cmd/run-plugin` (plugins) and `cmd/run-policy-pack`
// (policy packs) scripts that ship in the program's own @pulumi/pulumi package.
//
// Scope: running programs (`pulumi preview/up/refresh/destroy`), Node.js policy
// packs and plugins, reporting the provider plugins a program needs, `pulumi
// install` and `pulumi about`. Code generation (convert, package gen-sdk, new
// templates) is not implemented and answers Unimplemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is stamped by the build (-X main.version=...) with the CLI's version.
var version = "0.0.0-dev"

// exitAfterLoggedError is the exit code @pulumi/pulumi's run script uses when the
// program failed and the error was already shown to the user ("bail").
const exitAfterLoggedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string

	mu       sync.Mutex
	children map[*os.Process]struct{}
}

func main() {
	// The engine starts a language host as `pulumi-language-nodejs [flags] ENGINE_ADDRESS`;
	// the flags (--logtostderr, -v=N, --tracing URL) are for logging and tracing, which
	// this host does not do, and the engine address is always the last argument.
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-language-nodejs [flags] ENGINE_ADDRESS")
		os.Exit(2)
	}
	h := &host{engineAddress: os.Args[len(os.Args)-1], children: map[*os.Process]struct{}{}}

	// Stop serving when the engine goes away, so that no host outlives its CLI.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, cancel); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot reach the engine: %v\n", err)
		os.Exit(1)
	}
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of our stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

// ---- program information ---------------------------------------------------------

// options are the runtime options of Pulumi.yaml (`runtime: {name: nodejs, options: ...}`).
type options struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func optionsOf(info *pulumirpc.ProgramInfo) options {
	o := options{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return o
	}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"]; ok {
		switch t := v.(type) {
		case bool:
			o.typescript = t
		case string:
			o.typescript = t != "false"
		}
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = strings.Fields(v)
	}
	return o
}

// programDir is where the program (or plugin, or policy pack) lives.
func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

// sdkScript finds @pulumi/pulumi/cmd/NAME in the node_modules that Node.js itself
// would resolve from dir (dir, then each parent), so that the program runs with
// the SDK version it installed.
func sdkScript(dir, name string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", name)
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("cannot find @pulumi/pulumi/cmd/%s from %s: is @pulumi/pulumi installed (npm install)?",
		name, dir)
}

// runtimeEnv is the environment of every Node.js process we start: ours plus the
// TypeScript settings that @pulumi/pulumi reads from the environment.
func runtimeEnv(o options, extra ...string) []string {
	env := append(os.Environ(), "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(o.typescript))
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return append(env, extra...)
}

// ---- running processes -----------------------------------------------------------

// start runs cmd and remembers it so that Cancel can interrupt it.
func (h *host) start(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	h.mu.Lock()
	h.children[cmd.Process] = struct{}{}
	h.mu.Unlock()
	return nil
}

func (h *host) wait(cmd *exec.Cmd) error {
	err := cmd.Wait()
	h.mu.Lock()
	delete(h.children, cmd.Process)
	h.mu.Unlock()
	return err
}

// exitCode turns the result of Wait into an exit code; a process killed by a
// signal counts as -1.
func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	return 0, err
}

// ---- LanguageRuntime -------------------------------------------------------------

func (h *host) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	o := optionsOf(info)
	script, err := sdkScript(dir, "run")
	if err != nil {
		return nil, err
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	if entry == "" {
		entry = "." // the run script then takes package.json's main
	}

	args := append([]string{}, o.nodeargs...)
	args = append(args, script, "--monitor="+req.GetMonitorAddress(), "--engine="+h.engineAddress, "--pwd="+dir)
	for flag, value := range map[string]string{
		"project":        req.GetProject(),
		"stack":          req.GetStack(),
		"organization":   req.GetOrganization(),
		"root-directory": info.GetRootDirectory(),
	} {
		if value != "" {
			args = append(args, "--"+flag+"="+value)
		}
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// Stack configuration travels in the environment, as @pulumi/pulumi expects.
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}

	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	cmd.Env = runtimeEnv(o, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	// The engine shows the host's output to the user.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := h.start(cmd); err != nil {
		return nil, fmt.Errorf("starting node: %w", err)
	}
	code, err := exitCode(h.wait(cmd))
	switch {
	case err != nil:
		return nil, err
	case code == 0:
		return &pulumirpc.RunResponse{}, nil
	case code == exitAfterLoggedError:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case code < 0:
		return &pulumirpc.RunResponse{Error: "the Node.js program was killed by a signal"}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	o := optionsOf(info)

	// Policy packs are started as `run-policy-pack ENGINE_ADDRESS PACK_DIR` in the
	// pack's directory (@pulumi/policy reads the pack's version from
	// ./package.json); other plugins (component providers written in TypeScript)
	// as `run-plugin DIR ARGS...` in the directory the engine asks for.
	var args []string
	cwd := req.GetPwd()
	if req.GetKind() == "analyzer" {
		cwd = dir
		script, err := sdkScript(dir, "run-policy-pack")
		if err != nil {
			return err
		}
		args = append(append(append(o.nodeargs, script), req.GetArgs()...), dir)
	} else {
		script, err := sdkScript(dir, "run-plugin")
		if err != nil {
			return err
		}
		args = append(append(o.nodeargs, script, dir), req.GetArgs()...)
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	cmd := exec.Command("node", args...)
	cmd.Dir = cwd
	cmd.Env = runtimeEnv(o, req.GetEnv()...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := h.start(cmd); err != nil {
		return fmt.Errorf("starting node: %w", err)
	}
	code, err := exitCode(h.wait(cmd))
	if err != nil {
		return err
	}
	return server.Send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)},
	})
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.children {
		_ = p.Signal(syscall.SIGINT)
	}
	return &emptypb.Empty{}, nil
}

// ---- plugins and dependencies ----------------------------------------------------

type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	Pulumi       *struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   []byte `json:"value"` // base64 in the file, as encoding/json reads []byte
		} `json:"parameterization"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// nodeModules is the node_modules directory that serves dir.
func nodeModules(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			return nm
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// installedPackages lists the top-level packages of a node_modules directory
// (including scoped ones). Nested node_modules are not searched: provider SDKs
// are direct dependencies of Pulumi programs.
func installedPackages(nm string) []*packageJSON {
	var out []*packageJSON
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		dirs := []string{filepath.Join(nm, name)}
		if strings.HasPrefix(name, "@") {
			scoped, _ := os.ReadDir(filepath.Join(nm, name))
			dirs = dirs[:0]
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(nm, name, s.Name()))
			}
		}
		for _, d := range dirs {
			if p, err := readPackageJSON(filepath.Join(d, "package.json")); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// requiredPackages are the resource plugins that the installed provider SDKs
// declare in their package.json "pulumi" section.
func requiredPackages(dir string) []*pulumirpc.PackageDependency {
	nm := nodeModules(dir)
	if nm == "" {
		return nil
	}
	var deps []*pulumirpc.PackageDependency
	for _, p := range installedPackages(nm) {
		if p.Pulumi == nil || !p.Pulumi.Resource {
			continue
		}
		dep := &pulumirpc.PackageDependency{
			Kind:    "resource",
			Name:    p.Pulumi.Name,
			Version: p.Pulumi.Version,
			Server:  p.Pulumi.Server,
		}
		if dep.Name == "" {
			dep.Name = strings.TrimPrefix(p.Name, "@pulumi/")
		}
		if dep.Version == "" {
			dep.Version = p.Version
		}
		if z := p.Pulumi.Parameterization; z != nil {
			dep.Parameterization = &pulumirpc.PackageParameterization{
				Name: z.Name, Version: z.Version, Value: z.Value,
			}
		}
		deps = append(deps, dep)
	}
	return deps
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: requiredPackages(programDir(req.GetInfo(), ""))}, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	var plugins []*pulumirpc.PluginDependency
	for _, d := range requiredPackages(programDir(req.GetInfo(), req.GetProgram())) {
		if d.Parameterization != nil {
			continue // not expressible as a plain plugin
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: d.Name, Kind: d.Kind, Version: d.Version, Server: d.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	pkg, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	nm := nodeModules(dir)
	var deps []*pulumirpc.DependencyInfo
	for name, wanted := range pkg.Dependencies {
		v := wanted
		if p, err := readPackageJSON(filepath.Join(nm, name, "package.json")); err == nil {
			v = p.Version
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies runs `npm install` in the program directory.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = programDir(req.GetInfo(), req.GetDirectory())
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := h.start(cmd); err != nil {
		return fmt.Errorf("starting npm: %w", err)
	}
	code, err := exitCode(h.wait(cmd))
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("npm install exited with code %d", code)
	}
	return nil
}
