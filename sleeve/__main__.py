from sleeve.cli import app

app(prog_name="sleeve")
