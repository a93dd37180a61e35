"""``heritage serve``: the site on a real WSGI server (waitress), with the index worker and the media
jobs worker (heritage.transcode) running beside it, each a process of its own (so that neither indexing
nor transcoding holds the GIL against the request threads), and a thread warming each new reader of
the index (indexer.warmer); with ``--processes N`` the site itself runs in N processes (web.prefork)."""

from __future__ import annotations

import errno
import functools
import logging
import multiprocessing
import socket
from pathlib import Path
from typing import Any

import click

from heritage import transcode
from heritage.store import open_store
from heritage.users import any_account
from indexer import choice
from indexer.index import run_worker_process
from indexer.warmer import Warmer
from web import ConfigError, create_app, prefork


def _stop(ctx: click.Context, message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    ctx.exit(1)


def _serve(server: Any, home: Path) -> None:
    """Run a waitress server in this process until it is stopped, warming each new index reader."""
    warmer = Warmer(home)
    warmer.start()
    try:
        server.run()
    finally:
        warmer.stop()


def _serve_forked(config: dict[str, Any], threads: int, home: Path, sock: socket.socket) -> None:
    """One of ``--processes N``: its own site (app, store connections, index reader) on the shared socket."""
    import waitress

    _serve(waitress.create_server(create_app(config), sockets=[sock], threads=threads, ident="heritage"), home)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址（对外服务时为 0.0.0.0）。")
@click.option("--port", default=8080, show_default=True, help="监听的端口。")
@click.option("--threads", default=8, show_default=True, help="每个网站进程的服务线程数。")
@click.option(
    "--processes",
    type=int,
    help="网站进程数，共用一个端口（默认为 site.cfg 的 WEB_PROCESSES，没有时 1；0 为每核一个）。",
)
@click.option("--dev", is_flag=True, help="开发模式：没有 HERITAGE_SECRET_KEY 时使用临时密钥，Cookie 不限 HTTPS。")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int, processes: int | None, dev: bool) -> None:
    """启动网站（waitress），并在后台把修改同步进检索索引、把音频和视频转码为网页版本。"""
    import waitress

    home = Path(ctx.find_root().obj)
    config: dict[str, Any] = {"HERITAGE_HOME": str(home)}
    if dev:
        config.update(DEBUG=True, SESSION_COOKIE_SECURE=False)
    try:
        app = create_app(config)
        engine = choice.chosen(home)
    except (ConfigError, choice.UnknownEngine) as error:
        _stop(ctx, str(error))
    try:
        count = prefork.count(processes, app.config.get("WEB_PROCESSES", 1))
    except prefork.BadCount as error:
        _stop(ctx, str(error))
    if dev and count > 1:
        if processes is not None:
            _stop(ctx, "开发模式（--dev）只用一个网站进程：去掉 --processes，或去掉 --dev 并设置 HERITAGE_SECRET_KEY。")
        click.echo("提示：开发模式只用一个网站进程（不按 site.cfg 的 WEB_PROCESSES）。")
        count = 1
    prefork.stop_on_terminate()
    try:  # bind before saying the site has started
        if count == 1:
            server = waitress.create_server(app, host=host, port=port, threads=threads, ident="heritage")
        else:
            sock = prefork.listening(host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            _stop(
                ctx,
                f"端口 {port} 已被占用（也许网站已在运行）。请换一个端口：bash scripts/run --port {port + 1}"
                f"，或 heritage serve --port {port + 1}。",
            )
        _stop(ctx, f"无法在 {host}:{port} 上启动网站：{error.strerror or error}")
    logging.basicConfig()  # waitress reports through logging
    workers = [
        multiprocessing.get_context("spawn").Process(target=target, args=(str(home),), name=name, daemon=True)
        for target, name in (
            (run_worker_process, "heritage-index-sync"),
            (transcode.run_worker_process, "heritage-media-jobs"),
        )
    ]
    with prefork.deaf_to_ctrl_c():
        for worker in workers:
            worker.start()
    click.echo(f"网站已启动：http://{host}:{port}/ （数据：{home}，检索引擎 {engine}，{count} 个网站进程）")
    db = open_store(home)
    has_users = any_account(db)
    db.conn.close()
    if not has_users:
        click.echo(
            f"提示：还没有普查人员账户。用 heritage --home {home} user add 用户名 --role curator 建立后，"
            f"在 http://{host}:{port}/login 登录工作台。"
        )
    try:
        if count == 1:
            _serve(server, home)
        else:
            prefork.Prefork(functools.partial(_serve_forked, config, threads, home), sock, count).run()
    except prefork.FailingProcesses as error:
        _stop(ctx, str(error))
    finally:
        for worker in workers:
            worker.terminate()
            worker.join(10)
