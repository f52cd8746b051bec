#!/bin/bash
# Regenerates OnnxProto.g.cs from onnx.proto with the protoc of the Google.Protobuf.Tools package (restored into the
# NuGet cache by any project that references it, or by `dotnet restore` of a scratch project). The classes are
# internal: the public surface is the Onnx class.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
protoc="${PROTOC:-$HOME/.nuget/packages/google.protobuf.tools/3.36.2/tools/linux_x64/protoc}"
"$protoc" --proto_path="$here" --csharp_out="$here" --csharp_opt=internal_access,file_extension=.g.cs "$here/onnx.proto"
mv "$here/Onnx.g.cs" "$here/OnnxProto.g.cs"
