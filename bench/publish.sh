# Sourced by the bench scripts (after they set $root): publish_native PROJECT DIR BINARY publishes the native build
# of the project (a path under the repository) into DIR and prints the path of its BINARY there.
publish_native() {
  dotnet publish "$root/$1" -c Release -r linux-x64 -p:PublishAot=true -o "$2" --nologo -v quiet > /dev/null
  echo "$2/$3"
}
