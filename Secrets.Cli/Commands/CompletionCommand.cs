using System.CommandLine;

namespace Secrets.Cli.Commands;

/// <summary>
/// <c>completion bash|zsh</c>: prints a completion script to source from the shell's profile. The script asks the tool
/// itself for the candidates (<c>secrets "[suggest:N]" "line"</c>), so commands, options and their values complete as
/// this version of the tool knows them.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # secrets completion: eval "$(secrets completion bash)"
        _secrets_complete() {
          local IFS=$'\n'
          local line="${COMP_LINE#* }"
          local point=$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))
          COMPREPLY=( $(compgen -W "$(secrets "[suggest:${point}]" "${line}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _secrets_complete secrets
        """;

    public static Command Build(CliIo io)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the shell completion script: eval \"$(secrets completion bash)\"") { shell };
        command.SetAction(parse =>
        {
            io.Plain.WriteLine(parse.GetValue(shell) == "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" + Bash : Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}
