from sleeve.cli import main

main()
