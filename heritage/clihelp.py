"""The command's frame in Chinese: click writes its usage lines, section titles, help option and
usage errors in English; here they are written in Chinese for every subcommand, plugged-in ones too."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click

HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数", "Positional arguments": "参数"}
# Click's English phrases as its help and error frames print them, with their Chinese, in order.
_PHRASES = [
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"Show this message and exit\.", "显示本帮助并退出。"),
        (r"\[default: (.+?)\]", r"[默认：\1]"),
        (r"\[env var: (.+?)\]", r"[环境变量：\1]"),
        (r"\[required\]", "[必填]"),
        (r"\[OPTIONS\]", "[选项]"),
        (r"COMMAND \[ARGS\]\.\.\.", "命令 [参数]..."),
        (r"No such option '(.+?)'\.", r"没有选项 \1。"),
        (r"No such command '(.+?)'\.", r"没有命令 \1。"),
        (r"\s*Did you mean (.+?)\?", r"您是不是要用 \1？"),
        (r"\s*\(Possible options: (.+?)\)", r"（可能是：\1）"),
        (r"Missing argument '(.+?)'\.", r"缺少参数 \1。"),
        (r"Missing option '(.+?)' / '(.+?)'\.", r"缺少选项 \1（\2）。"),
        (r"Missing option '(.+?)'\.", r"缺少选项 \1。"),
        (r"Missing parameter: (.+)", r"缺少参数 \1。"),
        (r"Missing command\.", "缺少命令。"),
        (r"Choose from:\s+(.+)", r"可选：\1"),
        (r"Invalid value for '(.+?)': ", r"\1 的值无效："),
        (r"Invalid value: ", "值无效："),
        (r"'(.*?)' is not one of (.+?)\.", r"“\1”不是可选值：应为 \2 之一。"),
        (r"'(.*?)' is not '(.+?)'\.", r"“\1”不是可选值：应为 \2。"),
        (r"'(.*?)' is not a valid integer\.", r"“\1”不是整数。"),
        (r"'(.*?)' is not a valid float\.", r"“\1”不是数。"),
        (r"'(.*?)' is not a valid boolean\.", r"“\1”应为是或否。"),
        (r"(\S+) is not in the range (.+?)\.", r"\1 不在 \2 的范围内。"),
        (r"(?:File|Directory|Path) '(.+?)' does not exist\.", r"“\1”不存在。"),
        (r"(?:File|Directory|Path) '(.+?)' is a file\.", r"“\1”是文件，应为文件夹。"),
        (r"(?:File|Directory|Path) '(.+?)' is a directory\.", r"“\1”是文件夹，应为文件。"),
        (r"Option '(.+?)' does not take a value\.", r"选项 \1 不接受值。"),
        (r"Option '(.+?)' requires an argument\.", r"选项 \1 需要一个值。"),
        (r"Option '(.+?)' requires (\d+) arguments\.", r"选项 \1 需要 \2 个值。"),
        (r"Got unexpected extra arguments? \((.+?)\)", r"多出了参数：\1"),
    )
]


def translate(text: str) -> str:
    """Click's English phrases in a text, in Chinese; anything else unchanged."""
    for pattern, chinese in _PHRASES:
        text = pattern.sub(chinese, text)
    return text


class ChineseFormatter(click.HelpFormatter):
    """Help pages with 用法, 选项, 命令 and the help option in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, translate(args), prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(translate(term), translate(text)) for term, text in rows], col_max, col_spacing)


class ChineseContext(click.Context):
    """A context whose help and usage lines are written by ChineseFormatter."""

    formatter_class = ChineseFormatter


def _chinese(command: click.Command) -> None:
    command.context_class = ChineseContext
    for sub in getattr(command, "commands", {}).values():
        _chinese(sub)


def show_error(error: click.ClickException) -> None:
    """A usage error as click shows it (usage line, where to find help, the error), in Chinese."""
    ctx = getattr(error, "ctx", None)
    if isinstance(error, click.exceptions.NoArgsIsHelpError):  # a bare group: its help is the whole answer
        click.echo(error.format_message(), err=True)
        return
    if isinstance(error, click.UsageError) and ctx is not None:
        help_names = ctx.command.get_help_option_names(ctx)
        hint = f"查看帮助：{ctx.command_path} {max(help_names, key=len)}\n" if help_names else ""
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True)
    click.echo(f"错误：{translate(error.format_message())}", err=True)


def password_option(*names: str, prompt: str, confirmation: str, **kwargs: Any) -> Any:
    """click.password_option, but a mismatch of the two entries is told in Chinese (and asked again)."""

    def confirmed(ctx: click.Context, param: click.Parameter, value: str) -> str:
        if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.PROMPT:
            return value
        while value != click.prompt(confirmation, hide_input=True):
            click.echo("错误：两次输入的密码不一致，请重新输入。", err=True)
            value = click.prompt(prompt, hide_input=True)
        return value

    return click.option(*names, prompt=prompt, hide_input=True, callback=confirmed, **kwargs)


class ChineseGroup(click.Group):
    """A command group whose every subcommand (added by decorator or add_command) speaks Chinese."""

    context_class = ChineseContext
    group_class = type  # subgroups made with @group.group() are ChineseGroups too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _chinese(cmd)
        super().add_command(cmd, name)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Run the command; in standalone mode, show usage errors in Chinese and exit as click does."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **kwargs)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            show_error(error)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
