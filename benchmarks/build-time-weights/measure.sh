#!/usr/bin/env bash
# Measures what build-time weights cost the compiler: a console project with a 784-128-64-10 network (109,386
# parameters) is rebuilt with and without Weights = "model.safetensors", three times each after a warm-up, and the
# median wall-clock times are printed with their ratio. Usage: bash benchmarks/build-time-weights/measure.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/model.safetensors" <<'PY'
import json, random, struct, sys
random.seed(1)
layers = [784, 128, 64, 10]
header, data, offset = {}, bytearray(), 0
for i in range(len(layers) - 1):
    for name, count, shape in ((f"layers.{i}.weight", layers[i] * layers[i + 1], [layers[i + 1], layers[i]]), (f"layers.{i}.bias", layers[i + 1], [layers[i + 1]])):
        raw = struct.pack(f"<{count}f", *(random.uniform(-0.1, 0.1) for _ in range(count)))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
text = json.dumps(header).encode()
text += b" " * ((8 - (8 + len(text)) % 8) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(text)) + text + data)
PY

make_project() {  # $1 = folder, $2 = extra attribute arguments
    mkdir -p "$1"
    cp "$work/model.safetensors" "$1/"
    cat > "$1/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/Runtime/Backprop.Gen.Runtime.csproj" />
    <ProjectReference Include="$root/src/Attributes/Backprop.Gen.Attributes.csproj" />
    <ProjectReference Include="$root/src/Generator/Backprop.Gen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <AdditionalFiles Include="model.safetensors" />
  </ItemGroup>
  <Import Project="$root/src/Runtime/build/Backprop.Gen.targets" />
</Project>
XML
    cat > "$1/Program.cs" <<CS
using Backprop;
var net = new MnistNet();
System.Console.WriteLine(net.Parameters[0]);
[Network(Layers = new[] { 784, 128, 64, 10 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Identity }$2)]
public partial class MnistNet { }
CS
}

median_build_seconds() {  # $1 = folder
    dotnet build "$1" -c Release -nologo -v q > /dev/null   # warm-up: restore, dependencies, compiler server
    local times=()
    for _ in 1 2 3; do
        touch "$1/Program.cs"
        local start end
        start=$(date +%s.%N)
        dotnet build "$1" -c Release -nologo -v q --no-restore --no-dependencies > /dev/null
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

make_project "$work/plain" ""
make_project "$work/baked" ', Weights = "model.safetensors"'
plain=$(median_build_seconds "$work/plain")
baked=$(median_build_seconds "$work/baked")
touch "$work/baked/Program.cs"
dotnet build "$work/baked" -c Release -nologo -v q -p:EmitCompilerGeneratedFiles=true --no-restore --no-dependencies > /dev/null
source_kb=$(du -k "$(find "$work/baked/obj" -name 'MnistNet.g.cs' | head -1)" | cut -f1)
assembly_kb=$(du -k "$work/baked/bin/Release/net10.0/App.dll" | cut -f1)
plain_kb=$(du -k "$work/plain/bin/Release/net10.0/App.dll" | cut -f1)
echo "784-128-64-10, 109386 parameters: incremental Release build (median of 3)"
echo "  without weights: ${plain}s, assembly ${plain_kb} KB"
echo "  with weights:    ${baked}s, assembly ${assembly_kb} KB, generated source ${source_kb} KB"
echo "  ratio: $(echo "scale=2; $baked / $plain" | bc)x"
