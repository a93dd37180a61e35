"""``heritage serve``: the site on a real WSGI server (waitress), with the index worker and the media
jobs worker (heritage.transcode) running beside it, each a process of its own (so that neither indexing
nor transcoding holds the GIL against the request threads), and a thread warming each new reader of
the index (indexer.warmer)."""

from __future__ import annotations

import errno
import logging
import multiprocessing
from pathlib import Path

import click

from heritage import transcode
from heritage.store import open_store
from heritage.users import any_account
from indexer.index import run_worker_process
from indexer.warmer import Warmer
from web import ConfigError, create_app


def _stop(ctx: click.Context, message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    ctx.exit(1)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True)
@click.option("--threads", default=8, show_default=True, help="服务线程数。")
@click.option("--dev", is_flag=True, help="开发模式：没有 HERITAGE_SECRET_KEY 时使用临时密钥，Cookie 不限 HTTPS。")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int, dev: bool) -> None:
    """启动网站（waitress），并在后台把修改同步进检索索引、把音频和视频转码为网页版本。"""
    import waitress

    home = Path(ctx.find_root().obj)
    config = {"HERITAGE_HOME": str(home)}
    if dev:
        config.update(DEBUG=True, SESSION_COOKIE_SECURE=False)
    try:
        app = create_app(config)
    except ConfigError as error:
        _stop(ctx, str(error))
    try:  # bind before saying the site has started
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="heritage")
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
    for worker in workers:
        worker.start()
    warmer = Warmer(home)
    warmer.start()
    click.echo(f"网站已启动：http://{host}:{port}/ （数据：{home}）")
    db = open_store(home)
    has_users = any_account(db)
    db.conn.close()
    if not has_users:
        click.echo(
            f"提示：还没有普查人员账户。用 heritage --home {home} user add 用户名 --role curator 建立后，"
            f"在 http://{host}:{port}/login 登录工作台。"
        )
    try:
        server.run()
    finally:
        warmer.stop()
        for worker in workers:
            worker.terminate()
            worker.join(10)
