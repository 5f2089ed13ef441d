//! `yardstick serve`: the score history over HTTP (`yardstick-server`), until Ctrl-C or
//! SIGTERM.

use yardstick_server::{app, serve, shutdown_signal, ServerConfig, TECH_INSIGHTS_PATH};
use yardstick_store::Store;

use crate::exit_code::EXIT_OK;
use crate::flags::ServeArgs;
use crate::github::runtime;
use crate::settings::load_policies;
use crate::stdio::eprint_line;

pub fn run(args: ServeArgs) -> Result<u8, String> {
    let address = args.db.address()?;
    if args.request_timeout.is_zero() {
        return Err("--request-timeout must be longer than 0s".to_string());
    }
    let mut config = ServerConfig::new(load_policies(&args.policy)?);
    config.request_timeout = args.request_timeout;
    let runtime = runtime::start()?;
    runtime.block_on(async {
        let store = Store::open(&address)
            .await
            .map_err(|e| format!("cannot open the score history {address}: {e}"))?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        eprint_line(&format!(
            "yardstick: serving {address} on http://{local} (Tech Insights API: \
             http://{local}{TECH_INSIGHTS_PATH}); Ctrl-C or SIGTERM stops"
        ));
        let served = serve(listener, app(store.clone(), &config), shutdown_signal()).await;
        store.close().await;
        served.map_err(|e| format!("the server stopped: {e}"))?;
        eprint_line("yardstick: stopped");
        Ok(EXIT_OK)
    })
}
